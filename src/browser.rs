//! The browser side of the service: `threeds.js`, the helper a merchant's checkout page
//! loads (served as `GET /threeds.js`). It performs an authentication's `next_action` in
//! the cardholder's browser — the 3DS Method in a hidden iframe, device data, the challenge
//! in an iframe sized by the challenge window size, or a redirect — and reports each step
//! to the service with the authentication's `client_secret`. It never handles the
//! authentication value, so a compromised checkout page cannot read the cryptogram.
//! Its options and the notification-page protocol are in `docs/threeds-js.md`.

/// The helper's source: vanilla ES2017, no dependencies, no build step, served as is.
/// `tests/browser` runs it in headless Chromium and keeps it under 5 KB gzipped.
pub const THREEDS_JS: &str = include_str!("../assets/threeds.js");
