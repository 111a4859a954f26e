//! The pages (issue 22): server-rendered HTML in 23 languages, their security headers and
//! cookies, and the same pages in a real browser (Chromium, with axe-core for WCAG 2.1 A/AA;
//! the scripts are in `tests/browser/web/`).

mod consent;
mod dashboard;
mod home;
