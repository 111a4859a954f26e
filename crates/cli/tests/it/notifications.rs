//! Notifications to principals (issue 20): the channels a message leaves by, tested against
//! real servers. `email`: the SMTP sender against aiosmtpd (plain, STARTTLS, implicit TLS,
//! AUTH), what arrives (headers, encoded words, both parts), how failures are classified, and
//! what its configuration accepts.

mod email;
