//! Notifications to principals and alerts to fiduciaries and processors (BRD 4.4): who hears
//! of which domain event ([`route`]), in which words ([`templates`]), and the use cases that
//! fan an event out, confirm and escalate alerts, and manage processors, endpoints, settings
//! and templates ([`usecases`], over [`crate::ports::NotifyPort`]). Sending is the server's:
//! the store keeps what is to be sent, the jobs runner sends it.

pub mod model;
pub mod route;
pub mod templates;
pub mod usecases;
