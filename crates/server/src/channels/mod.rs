//! The channels messages leave by (issue 20): each turns one message into a delivery attempt and
//! says whether a failed attempt is worth retrying.

pub mod email;
