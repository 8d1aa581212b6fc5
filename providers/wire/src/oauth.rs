//! OAuth 2.0 client-credentials tokens, fetched once and reused until shortly before they
//! expire (Checkout and Mangopay both ask integrators not to fetch a token per call).

use crate::http::{encode_form, Request, Response, Transport, TransportError};
use crate::Secret;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::Method;
use serde::Deserialize;
use std::future::Future;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Why no token could be had. Its `Debug` and its message show the HTTP status only: a
/// token endpoint's body may hold a token.
#[derive(Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint could not be reached.
    #[error("{0}")]
    Transport(TransportError),
    /// The token endpoint answered with an error status (bad credentials, locked account).
    #[error("token endpoint answered HTTP {}", .0.status)]
    Rejected(Response),
    /// A 2xx answer without a usable `access_token`.
    #[error("token endpoint answered HTTP {status} without a usable token: {why}", status = .0.status, why = .1)]
    Unreadable(Response, String),
}

impl std::fmt::Debug for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenError::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            TokenError::Rejected(r) => f
                .debug_struct("Rejected")
                .field("status", &r.status)
                .finish(),
            TokenError::Unreadable(r, why) => f
                .debug_struct("Unreadable")
                .field("status", &r.status)
                .field("problem", why)
                .finish(),
        }
    }
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: Secret,
    expires_in: Option<u64>,
}

/// `POST token_url` with HTTP Basic `user:password` and a form body of
/// `grant_type=client_credentials` plus `extra` pairs. Returns the token and its lifetime
/// (`expires_in`; 300 s when the server omits it).
pub async fn client_credentials(
    transport: &Transport,
    operation: &'static str,
    token_url: &str,
    user: &str,
    password: &Secret,
    extra: &[(&str, &str)],
) -> Result<(Secret, Duration), TokenError> {
    let basic = STANDARD.encode(format!("{user}:{}", password.expose()));
    let mut form = vec![("grant_type", "client_credentials")];
    form.extend_from_slice(extra);
    let request = Request::new(Method::POST, token_url, operation)
        .header("authorization", &format!("Basic {basic}"))
        .map_err(TokenError::Transport)?
        .header("accept", "application/json")
        .map_err(TokenError::Transport)?
        .form_body(encode_form(form));
    let response = transport
        .send(&request)
        .await
        .map_err(TokenError::Transport)?;
    if !response.is_success() {
        return Err(TokenError::Rejected(response));
    }
    match serde_json::from_slice::<TokenBody>(&response.body) {
        Ok(body) if !body.access_token.is_empty() => Ok((
            body.access_token,
            Duration::from_secs(body.expires_in.unwrap_or(300)),
        )),
        Ok(_) => Err(TokenError::Unreadable(
            response,
            "empty access_token".into(),
        )),
        Err(e) => {
            let why = crate::scrub(&e.to_string());
            Err(TokenError::Unreadable(response, why))
        }
    }
}

struct Cached {
    token: Secret,
    renew_at: Instant,
}

/// One cached token. Concurrent callers wait for a single fetch instead of each fetching.
pub struct TokenCache {
    slot: Mutex<Option<Cached>>,
    /// Renew this long before the token expires.
    margin: Duration,
}

impl TokenCache {
    pub fn new(margin: Duration) -> Self {
        TokenCache {
            slot: Mutex::new(None),
            margin,
        }
    }

    /// The cached token, or a new one from `fetch` when there is none or it is about to
    /// expire.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Secret, TokenError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration), TokenError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot.as_ref() {
            if Instant::now() < cached.renew_at {
                return Ok(cached.token.clone());
            }
        }
        let (token, lifetime) = fetch().await?;
        *slot = Some(Cached {
            token: token.clone(),
            renew_at: Instant::now() + lifetime.saturating_sub(self.margin),
        });
        Ok(token)
    }

    /// Forgets the token (after the PSP answered 401 to it).
    pub async fn invalidate(&self) {
        *self.slot.lock().await = None;
    }
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn reuses_the_token_and_renews_before_expiry() {
        let cache = TokenCache::new(Duration::from_secs(30));
        let fetches = AtomicU32::new(0);
        let fetch = || async {
            let n = fetches.fetch_add(1, Ordering::SeqCst);
            Ok((Secret::new(format!("t{n}")), Duration::from_secs(1200)))
        };
        assert_eq!(cache.get(fetch).await.unwrap().expose(), "t0");
        assert_eq!(cache.get(fetch).await.unwrap().expose(), "t0");
        tokio::time::advance(Duration::from_secs(1169)).await;
        assert_eq!(cache.get(fetch).await.unwrap().expose(), "t0");
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(cache.get(fetch).await.unwrap().expose(), "t1");
        cache.invalidate().await;
        assert_eq!(cache.get(fetch).await.unwrap().expose(), "t2");
        assert_eq!(fetches.load(Ordering::SeqCst), 3);
    }
}
