//! A cardholder's browser, reduced to what 3-D Secure needs of it.
//!
//! It follows a normalized `next_action` the way the front end and the cardholder would:
//! it posts `threeDSMethodData` to the ACS's 3DS Method URL, opens the challenge (a form
//! post of the CReq, or a full-page redirect), types the password into the challenge form
//! and presses a button, then follows the ACS's auto-submitting pages and redirects. It
//! stops at the first step that leaves the PSP (a post or redirect to a merchant URL) and
//! returns what would have arrived there, so the caller hands it to the flow just as the
//! merchant's notification or return endpoint would.
//!
//! It runs the same HTML a cardholder sees: forms are read with
//! [`threeds_wire::sandbox::Form`], never by calling simulator internals.

use crate::flow::{ChallengeResult, MethodOutcome};
use crate::model::NextAction;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use std::time::Duration;
use threeds_wire::http::{decode_form, encode_form, host_of};
use threeds_wire::sandbox::Form;

/// What the cardholder does on the challenge page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardholderAction {
    /// Typed into the `password` field, when the form has one.
    pub password: String,
    /// The value of the submit button pressed (`submit`, `cancel`, or a PSP-specific one).
    pub button: String,
}

/// Why the browser could not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("browser: {0}")]
pub struct BrowserError(pub String);

/// A page or redirect the browser received.
enum Landing {
    Page {
        url: String,
        html: String,
    },
    /// A post or redirect to a host outside the PSP: `fields` is what would arrive.
    Merchant {
        fields: Vec<(String, String)>,
    },
}

/// A minimal browser bound to one PSP host (the sandbox).
pub struct Browser {
    client: reqwest::Client,
    /// `scheme://host:port` of the PSP; anything else is the merchant.
    psp_host: String,
    /// Steps after which it gives up (a loop between pages).
    max_steps: usize,
}

impl Browser {
    /// `psp_base` is any URL on the PSP's host.
    pub fn new(psp_base: &str) -> Result<Self, BrowserError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| BrowserError(format!("cannot build the HTTP client: {e}")))?;
        Ok(Browser {
            client,
            psp_host: host_of(psp_base),
            max_steps: 8,
        })
    }

    /// Runs the 3DS Method in a (hidden) frame: posts `threeDSMethodData` to the ACS and
    /// follows its pages until it posts back to the merchant's notification URL.
    pub async fn run_method(
        &self,
        url: &str,
        data: Option<&str>,
    ) -> Result<MethodOutcome, BrowserError> {
        let fields: Vec<(String, String)> = data
            .map(|d| vec![("threeDSMethodData".to_owned(), d.to_owned())])
            .unwrap_or_default();
        match self
            .follow(self.submit("post", url, &fields).await?)
            .await?
        {
            Landing::Merchant { fields, .. } => Ok(MethodOutcome::Completed {
                data: fields
                    .into_iter()
                    .find(|(n, _)| n == "threeDSMethodData")
                    .map(|(_, v)| v),
            }),
            Landing::Page { url, .. } => Err(BrowserError(format!(
                "the 3DS Method page at {url} never posted back to the merchant"
            ))),
        }
    }

    /// Opens the challenge `action` asks for, acts as `cardholder`, and returns what
    /// reached the merchant (the CRes post or the return URL's query).
    pub async fn run_challenge(
        &self,
        action: &NextAction,
        cardholder: &CardholderAction,
    ) -> Result<ChallengeResult, BrowserError> {
        let first = match action {
            NextAction::Challenge {
                url: Some(url),
                creq,
            } => {
                let fields: Vec<(String, String)> = creq
                    .iter()
                    .map(|c| ("creq".to_owned(), c.clone()))
                    .collect();
                self.submit("post", url, &fields).await?
            }
            NextAction::Redirect { url } => self.submit("get", url, &[]).await?,
            other => {
                return Err(BrowserError(format!(
                    "next_action {other:?} is not a challenge the browser can open"
                )))
            }
        };
        let Landing::Page { url, html } = self.follow(first).await? else {
            return Err(BrowserError(
                "the challenge went to the merchant without asking the cardholder".into(),
            ));
        };
        let mut form = Form::parse_all(&html)
            .into_iter()
            .find(|f| f.buttons.iter().any(|(_, v)| v == &cardholder.button))
            .ok_or_else(|| {
                BrowserError(format!(
                    "the challenge page at {url} has no form with a '{}' button",
                    cardholder.button
                ))
            })?;
        if form.field("password").is_some() {
            form.fill("password", &cardholder.password);
        }
        let body = form.submission(Some(&cardholder.button));
        let action_url = resolve(&url, &form.action);
        let fields = decode_form(&body);
        match self
            .follow(self.submit(&form.method, &action_url, &fields).await?)
            .await?
        {
            Landing::Merchant { fields, .. } => Ok(ChallengeResult {
                cres: fields
                    .iter()
                    .find(|(n, _)| n == "cres")
                    .map(|(_, v)| v.clone()),
                params: fields,
            }),
            Landing::Page { url, .. } => Err(BrowserError(format!(
                "the challenge ended on {url} without returning to the merchant"
            ))),
        }
    }

    /// Sends a form (or follows a link) and reports where it landed.
    async fn submit(
        &self,
        method: &str,
        url: &str,
        fields: &[(String, String)],
    ) -> Result<Landing, BrowserError> {
        if host_of(url) != self.psp_host {
            return Ok(Landing::Merchant {
                fields: fields.to_vec(),
            });
        }
        let pairs = fields.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        let request = if method.eq_ignore_ascii_case("post") {
            self.client
                .post(url)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(encode_form(pairs))
        } else if fields.is_empty() {
            self.client.get(url)
        } else {
            let sep = if url.contains('?') { '&' } else { '?' };
            self.client.get(format!("{url}{sep}{}", encode_form(pairs)))
        };
        let response = request
            .send()
            .await
            .map_err(|e| BrowserError(format!("{method} {url}: {}", e.without_url())))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| BrowserError(format!("{url}: redirect without a Location")))?;
            let target = resolve(url, location);
            if host_of(&target) != self.psp_host {
                let query = target.split_once('?').map_or("", |(_, q)| q);
                return Ok(Landing::Merchant {
                    fields: decode_form(query),
                });
            }
            return Box::pin(self.submit("get", &target, &[])).await;
        }
        let html = response
            .text()
            .await
            .map_err(|e| BrowserError(format!("{url}: reading the page: {}", e.without_url())))?;
        if !status.is_success() {
            return Err(BrowserError(format!(
                "{method} {url}: HTTP {status}: {}",
                first_line(&html)
            )));
        }
        Ok(Landing::Page {
            url: url.to_owned(),
            html,
        })
    }

    /// Follows auto-submitting pages (one form, no visible inputs to fill) until a page
    /// needs the cardholder or the browser reaches the merchant.
    async fn follow(&self, mut landing: Landing) -> Result<Landing, BrowserError> {
        for _ in 0..self.max_steps {
            let Landing::Page { url, html } = &landing else {
                return Ok(landing);
            };
            let forms = Form::parse_all(html);
            let auto = match forms.as_slice() {
                [only] if only.id.as_deref() == Some("autopost") => only.clone(),
                _ => return Ok(landing),
            };
            let target = resolve(url, &auto.action);
            landing = self.submit(&auto.method, &target, &auto.fields).await?;
        }
        Err(BrowserError(format!(
            "gave up after {} automatic page submissions",
            self.max_steps
        )))
    }
}

/// Resolves `reference` against the page `base` (absolute URLs, absolute paths).
fn resolve(base: &str, reference: &str) -> String {
    if reference.contains("://") {
        reference.to_owned()
    } else if reference.starts_with('/') {
        format!("{}{reference}", host_of(base))
    } else if reference.is_empty() {
        base.to_owned()
    } else {
        let dir = base.rsplit_once('/').map_or(base, |(d, _)| d);
        format!("{dir}/{reference}")
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_actions() {
        assert_eq!(resolve("http://h:1/a/b?x", "/c"), "http://h:1/c");
        assert_eq!(resolve("http://h:1/a/b", "c"), "http://h:1/a/c");
        assert_eq!(resolve("http://h:1/a/b", "https://m/x"), "https://m/x");
        assert_eq!(resolve("http://h:1/a/b", ""), "http://h:1/a/b");
    }
}
