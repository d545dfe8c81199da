//! The one HTTP client of remote scans, and everything it refuses to trust.
//! Blocking (ureq on rustls, no async runtime), with connect and read
//! timeouts, retries with backoff that honour `Retry-After` on 429 and 5xx,
//! redirects followed by hand so the token goes only to the endpoint's own
//! host, and every body read through a cap: a server that sends more than
//! was asked, lies in `Content-Range`, stalls or never ends is cut and
//! named in the error, which the read stage turns into a finding. Counts
//! every request and every body byte for the report's `source` block.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How the client behaves; [`Settings::from_env`] reads the overrides.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Connect, and each read of headers or body.
    pub timeout: Duration,
    /// A whole exchange, body included (a trickling server is cut here).
    pub call_timeout: Duration,
    /// Attempts after the first, for 429, 5xx and transport errors.
    pub retries: u32,
    /// First backoff; doubled each retry.
    pub backoff: Duration,
    /// The longest `Retry-After` obeyed; a longer one is waited this long.
    pub max_wait: Duration,
    /// Bytes of bodies one scan may read in all.
    pub scan_budget: u64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            timeout: Duration::from_secs(20),
            call_timeout: Duration::from_secs(120),
            retries: 4,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
            scan_budget: 256 << 20,
        }
    }
}

impl Settings {
    /// Defaults, with `OPENNESS_HTTP_TIMEOUT` (seconds, also the per-call
    /// timeout's tenth), `OPENNESS_HTTP_RETRIES`, `OPENNESS_HTTP_BACKOFF_MS`,
    /// `OPENNESS_HTTP_MAX_WAIT` (seconds) and `OPENNESS_HTTP_BUDGET` (bytes)
    /// where set: tests make a stall cost milliseconds.
    pub fn from_env() -> Settings {
        let mut s = Settings::default();
        let num = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
        };
        if let Some(t) = num("OPENNESS_HTTP_TIMEOUT") {
            s.timeout = Duration::from_secs_f64(t.min(3600.0));
            s.call_timeout = Duration::from_secs_f64((t * 6.0).min(3600.0));
        }
        if let Some(r) = num("OPENNESS_HTTP_RETRIES") {
            s.retries = r.min(10.0) as u32;
        }
        if let Some(b) = num("OPENNESS_HTTP_BACKOFF_MS") {
            s.backoff = Duration::from_millis(b.min(60_000.0) as u64);
        }
        if let Some(w) = num("OPENNESS_HTTP_MAX_WAIT") {
            s.max_wait = Duration::from_secs_f64(w.min(3600.0));
        }
        if let Some(b) = num("OPENNESS_HTTP_BUDGET") {
            s.scan_budget = b as u64;
        }
        s
    }
}

/// Why a request gave nothing usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// The server answered with an error status (after retries).
    Status {
        status: u16,
        /// The hub's `X-Error-Code` (`GatedRepo`, `RepoNotFound`, ...).
        code: Option<String>,
        url: String,
    },
    /// No answer: connection refused, timeout, reset (after retries).
    Transport { url: String, error: String },
    /// An answer that breaks the protocol or what was asked.
    Protocol { url: String, error: String },
    /// The scan's byte budget is spent.
    Budget { budget: u64 },
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpError::Status { status, code, url } => {
                write!(f, "{url}: HTTP {status}")?;
                if let Some(code) = code {
                    write!(f, " ({code})")?;
                }
                Ok(())
            }
            HttpError::Transport { url, error } => write!(f, "{url}: {error}"),
            HttpError::Protocol { url, error } => write!(f, "{url}: {error}"),
            HttpError::Budget { budget } => write!(
                f,
                "the scan's budget of {budget} bytes read over HTTP is spent; not read"
            ),
        }
    }
}

impl std::error::Error for HttpError {}

impl From<HttpError> for std::io::Error {
    fn from(err: HttpError) -> std::io::Error {
        std::io::Error::other(err.to_string())
    }
}

/// What a ranged read returned, and the URL that served it (the content
/// host after a redirect), for the next range of the same file.
#[derive(Debug)]
pub struct Ranged {
    pub bytes: Vec<u8>,
    pub served_by: String,
}

pub struct Client {
    agent: ureq::Agent,
    settings: Settings,
    /// `scheme://host:port` of the endpoint: the token goes only there.
    token_origin: String,
    token: Option<String>,
    requests: AtomicU64,
    bytes: AtomicU64,
}

/// Redirects followed at most, per request.
const MAX_REDIRECTS: usize = 5;
/// Response headers accepted at most.
const MAX_HEADER_BYTES: usize = 64 << 10;

impl Client {
    pub fn new(settings: Settings, token_origin: &str, token: Option<String>) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(settings.timeout))
            .timeout_per_read(Some(settings.timeout))
            .timeout_per_call(Some(settings.call_timeout))
            .max_response_header_size(MAX_HEADER_BYTES)
            .user_agent(concat!("openness/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            agent,
            settings,
            token_origin: origin(token_origin).unwrap_or_default(),
            token: token.filter(|t| !t.is_empty()),
            requests: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Sends a request, retrying and following redirects; returns the final
    /// answer (any status but a retried one) and its URL.
    fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<(ureq::http::Response<ureq::Body>, String), HttpError> {
        let mut url = url.to_owned();
        let mut redirects = 0;
        let mut attempt = 0;
        loop {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let result = self.once(method, &url, headers, body);
            let retry_after = match &result {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    if (300..400).contains(&status)
                        && let Some(next) =
                            resp.headers().get("location").and_then(|v| v.to_str().ok())
                    {
                        redirects += 1;
                        if redirects > MAX_REDIRECTS {
                            return Err(HttpError::Protocol {
                                url,
                                error: format!("more than {MAX_REDIRECTS} redirects"),
                            });
                        }
                        url = join(&url, next).ok_or_else(|| HttpError::Protocol {
                            url: url.clone(),
                            error: "a redirect to an address that is not HTTP".to_owned(),
                        })?;
                        continue;
                    }
                    if status == 429 || (500..600).contains(&status) {
                        Some(
                            resp.headers()
                                .get("retry-after")
                                .and_then(|v| v.to_str().ok())
                                .and_then(|v| v.trim().parse::<f64>().ok())
                                .filter(|v| v.is_finite() && *v >= 0.0)
                                .map(Duration::from_secs_f64),
                        )
                    } else {
                        None
                    }
                }
                Err(_) => Some(None),
            };
            let Some(retry_after) = retry_after else {
                return result
                    .map(|r| (r, url.clone()))
                    .map_err(|e| HttpError::Transport {
                        url: redact(&url),
                        error: e.to_string(),
                    });
            };
            if attempt >= self.settings.retries {
                return match result {
                    Ok(resp) => Err(status_error(&resp, &url)),
                    Err(err) => Err(HttpError::Transport {
                        url: redact(&url),
                        error: err.to_string(),
                    }),
                };
            }
            let backoff = self.settings.backoff.saturating_mul(1 << attempt.min(16));
            std::thread::sleep(retry_after.unwrap_or(backoff).min(self.settings.max_wait));
            attempt += 1;
        }
    }

    fn once(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let auth = self
            .token
            .as_ref()
            .filter(|_| origin(url).is_some_and(|o| o == self.token_origin))
            .map(|t| format!("Bearer {t}"));
        macro_rules! with_headers {
            ($req:expr) => {{
                let mut req = $req;
                for (k, v) in headers {
                    req = req.header(*k, *v);
                }
                if let Some(a) = &auth {
                    req = req.header("Authorization", a.as_str());
                }
                req
            }};
        }
        match (method, body) {
            ("POST", Some(body)) => with_headers!(self.agent.post(url)).send(body),
            ("HEAD", _) => with_headers!(self.agent.head(url)).call(),
            _ => with_headers!(self.agent.get(url)).call(),
        }
    }

    /// Takes `want` bytes from the budget, or says it is spent.
    fn spend(&self, want: u64) -> Result<(), HttpError> {
        let before = self.bytes.fetch_add(want, Ordering::Relaxed);
        if before.saturating_add(want) > self.settings.scan_budget {
            self.bytes.fetch_sub(want, Ordering::Relaxed);
            return Err(HttpError::Budget {
                budget: self.settings.scan_budget,
            });
        }
        Ok(())
    }

    /// Reads at most `cap` bytes of a body; `Err` when it holds more.
    fn body(
        &self,
        resp: &mut ureq::http::Response<ureq::Body>,
        cap: u64,
        url: &str,
    ) -> Result<Vec<u8>, HttpError> {
        self.body_within(resp, cap, url, true)
    }

    /// [`Client::body`]; `budgeted` false for API answers, which have caps
    /// of their own and must not starve the files they list.
    fn body_within(
        &self,
        resp: &mut ureq::http::Response<ureq::Body>,
        cap: u64,
        url: &str,
        budgeted: bool,
    ) -> Result<Vec<u8>, HttpError> {
        if budgeted {
            self.spend(cap)?;
        } else {
            self.bytes.fetch_add(cap, Ordering::Relaxed);
        }
        let mut out = Vec::with_capacity(usize::try_from(cap.min(1 << 20)).unwrap_or(0));
        let reader = resp.body_mut().as_reader();
        let result = reader.take(cap.saturating_add(1)).read_to_end(&mut out);
        // Only what came counts; the rest of the reservation goes back.
        let got = (out.len() as u64).min(cap);
        self.bytes.fetch_sub(cap - got, Ordering::Relaxed);
        if let Err(err) = result {
            return Err(HttpError::Transport {
                url: redact(url),
                error: format!("body cut after {} bytes: {err}", out.len()),
            });
        }
        if out.len() as u64 > cap {
            return Err(HttpError::Protocol {
                url: redact(url),
                error: format!("the server sent more than the {cap} bytes asked for; cut"),
            });
        }
        Ok(out)
    }

    /// `GET` of a small document (an API answer) of at most `cap` bytes;
    /// with the `Link` header's next page, if any.
    pub fn get_document(
        &self,
        url: &str,
        cap: u64,
    ) -> Result<(Vec<u8>, Option<String>), HttpError> {
        let (mut resp, final_url) =
            self.send("GET", url, &[("Accept", "application/json")], None)?;
        if !resp.status().is_success() {
            return Err(status_error(&resp, &final_url));
        }
        let next = resp
            .headers()
            .get("link")
            .and_then(|v| v.to_str().ok())
            .and_then(next_link)
            .and_then(|n| join(&final_url, &n));
        Ok((self.body_within(&mut resp, cap, &final_url, false)?, next))
    }

    /// `POST` of a JSON body, for the LFS batch API.
    pub fn post_json(
        &self,
        url: &str,
        content_type: &str,
        body: &[u8],
        cap: u64,
    ) -> Result<Vec<u8>, HttpError> {
        let (mut resp, final_url) = self.send(
            "POST",
            url,
            &[("Accept", content_type), ("Content-Type", content_type)],
            Some(body),
        )?;
        if !resp.status().is_success() {
            return Err(status_error(&resp, &final_url));
        }
        self.body_within(&mut resp, cap, &final_url, false)
    }

    /// Bytes `start..start+len` of the file at `url`, which is `total`
    /// bytes long when the listing said so. The answer must be the range
    /// asked (a `206` whose `Content-Range` matches) or, from offset 0, a
    /// `200` holding the whole file within `len`.
    pub fn get_range(
        &self,
        url: &str,
        start: u64,
        len: u64,
        total: Option<u64>,
        extra: &[(&str, &str)],
    ) -> Result<Ranged, HttpError> {
        if len == 0 {
            return Ok(Ranged {
                bytes: Vec::new(),
                served_by: url.to_owned(),
            });
        }
        let end = start.saturating_add(len - 1);
        let range = format!("bytes={start}-{end}");
        let mut headers = vec![("Range", range.as_str())];
        headers.extend_from_slice(extra);
        let (mut resp, final_url) = self.send("GET", url, &headers, None)?;
        let status = resp.status().as_u16();
        let lie = |error: String| HttpError::Protocol {
            url: redact(&final_url),
            error,
        };
        match status {
            206 => {
                let header = resp
                    .headers()
                    .get("content-range")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let Some((a, b, t)) = header.as_deref().and_then(parse_content_range) else {
                    return Err(lie(format!(
                        "206 without a valid Content-Range ({})",
                        header.as_deref().unwrap_or("none")
                    )));
                };
                let expected_end = match total.or(t) {
                    Some(t) => end.min(t.saturating_sub(1)),
                    None => end,
                };
                if a != start || b != expected_end || t.zip(total).is_some_and(|(x, y)| x != y) {
                    return Err(lie(format!(
                        "asked for bytes {start}-{expected_end}{}, the server says it sent {}",
                        total.map(|t| format!(" of {t}")).unwrap_or_default(),
                        header.as_deref().unwrap_or("")
                    )));
                }
                let want = b - a + 1;
                let bytes = self.body(&mut resp, want, &final_url)?;
                if (bytes.len() as u64) < want {
                    return Err(lie(format!(
                        "Content-Range promised {want} bytes, the body held {}",
                        bytes.len()
                    )));
                }
                Ok(Ranged {
                    bytes,
                    served_by: final_url.clone(),
                })
            }
            200 if start == 0 => {
                // The whole file: fine when it fits what was asked.
                let bytes = self
                    .body(&mut resp, len, &final_url)
                    .map_err(|e| match e {
                        HttpError::Protocol { url, .. } => HttpError::Protocol {
                            url,
                            error: format!(
                                "the server ignored the range and sent more than the {len} bytes asked for; cut"
                            ),
                        },
                        other => other,
                    })?;
                if let Some(t) = total
                    && bytes.len() as u64 != t.min(len)
                {
                    return Err(lie(format!(
                        "the listing says {t} bytes, the server sent {}",
                        bytes.len()
                    )));
                }
                Ok(Ranged {
                    bytes,
                    served_by: final_url.clone(),
                })
            }
            _ => Err(status_error(&resp, &final_url)),
        }
    }
}

fn status_error(resp: &ureq::http::Response<ureq::Body>, url: &str) -> HttpError {
    HttpError::Status {
        status: resp.status().as_u16(),
        code: resp
            .headers()
            .get("x-error-code")
            .and_then(|v| v.to_str().ok())
            .map(|c| {
                c.chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .take(64)
                    .collect()
            }),
        url: redact(url),
    }
}

/// A URL for messages: without its query (signed content-host URLs carry
/// credentials there) and cut to a readable length.
pub fn redact(url: &str) -> String {
    let base = url.split(['?', '#']).next().unwrap_or(url);
    let base = match base.split_once("://") {
        // Credentials in the authority (`https://user:pass@host`) never show.
        Some((scheme, rest)) => match rest.split_once('/') {
            Some((auth, path)) => format!(
                "{scheme}://{}/{path}",
                auth.rsplit_once('@').map_or(auth, |(_, h)| h)
            ),
            None => format!(
                "{scheme}://{}",
                rest.rsplit_once('@').map_or(rest, |(_, h)| h)
            ),
        },
        None => base.to_owned(),
    };
    if base.chars().count() > 200 {
        let cut: String = base.chars().take(200).collect();
        format!("{cut}…")
    } else {
        base
    }
}

/// `scheme://host:port` of an HTTP URL, lower-cased, the port explicit.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || host_port.starts_with('[') => match p.parse::<u16>() {
            Ok(p) => (h, p),
            Err(_) if h.starts_with('[') => (host_port, default_port),
            Err(_) => return None,
        },
        _ => (host_port, default_port),
    };
    if host.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{}:{port}", host.to_ascii_lowercase()))
}

/// `next` resolved against `base` (an absolute URL, `/path`, or relative).
fn join(base: &str, next: &str) -> Option<String> {
    if next.starts_with("http://") || next.starts_with("https://") {
        return Some(next.to_owned());
    }
    if next.contains("://") {
        return None;
    }
    let (scheme, rest) = base.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if let Some(path) = next.strip_prefix("//") {
        return Some(format!("{scheme}://{path}"));
    }
    if next.starts_with('/') {
        return Some(format!("{scheme}://{authority}{next}"));
    }
    let path = rest[authority.len()..]
        .split(['?', '#'])
        .next()
        .unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    Some(format!("{scheme}://{authority}{dir}{next}"))
}

/// `bytes START-END/TOTAL` (TOTAL may be `*`).
fn parse_content_range(v: &str) -> Option<(u64, u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (a, b) = range.split_once('-')?;
    let (a, b): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    if b < a {
        return None;
    }
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse::<u64>().ok()?),
    };
    if total.is_some_and(|t| b >= t) {
        return None;
    }
    Some((a, b, total))
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(v: &str) -> Option<String> {
    v.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p == "rel=\"next\"" || p == "rel=next"
        });
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_host_and_port() {
        assert_eq!(
            origin("https://HuggingFace.co/api/x").as_deref(),
            Some("https://huggingface.co:443")
        );
        assert_eq!(
            origin("http://127.0.0.1:8080/a?b").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_ne!(
            origin("http://127.0.0.1:8080/"),
            origin("http://127.0.0.1:8081/")
        );
        assert_eq!(origin("ftp://x/"), None);
    }

    #[test]
    fn content_ranges_are_checked() {
        assert_eq!(
            parse_content_range("bytes 0-7/100"),
            Some((0, 7, Some(100)))
        );
        assert_eq!(parse_content_range("bytes 0-7/*"), Some((0, 7, None)));
        assert_eq!(parse_content_range("bytes 8-7/100"), None);
        assert_eq!(parse_content_range("bytes 0-100/100"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
    }

    #[test]
    fn links_and_joins() {
        assert_eq!(
            next_link("<https://h/api/x?cursor=2>; rel=\"next\"").as_deref(),
            Some("https://h/api/x?cursor=2")
        );
        assert_eq!(next_link("<https://h/a>; rel=\"prev\""), None);
        assert_eq!(
            join("http://a:1/x/y", "/z").as_deref(),
            Some("http://a:1/z")
        );
        assert_eq!(
            join("http://a:1/x/y", "z").as_deref(),
            Some("http://a:1/x/z")
        );
        assert_eq!(
            join("http://a:1/x", "http://b/c").as_deref(),
            Some("http://b/c")
        );
        assert_eq!(join("http://a/x", "file:///etc/passwd"), None);
    }

    #[test]
    fn redaction_drops_queries_and_credentials() {
        assert_eq!(redact("https://u:p@h/x?sig=secret"), "https://h/x");
    }
}
