//! Notifications to data principals and to a fiduciary's staff. This module holds what can be
//! decided without I/O: [`templates`] turns an event and its variables into the subject, plain
//! text, HTML and short (SMS and inbox) forms of a message in any of the 23 languages, from the
//! built-in templates or from a fiduciary's validated override. Sending belongs to the server.

pub mod templates;
