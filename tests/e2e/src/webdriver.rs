//! A small W3C WebDriver client, enough to drive CRM windows.
//!
//! WebKitWebDriver drops connections while a new window's web process starts;
//! a request that fails in transport (not with a WebDriver error) is retried.
//! Commands with side effects are written to be safe to repeat, or to return
//! before the slow part starts.

use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How often a dropped request is retried.
const TRANSPORT_RETRIES: usize = 8;

/// A failed WebDriver call.
#[derive(Debug)]
pub struct WebDriverError(pub String);

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WebDriverError {}

/// Result of a WebDriver call.
pub type Result<T> = std::result::Result<T, WebDriverError>;

/// One WebDriver session.
pub struct Session {
    agent: ureq::Agent,
    base: String,
    id: String,
}

impl Session {
    /// Starts a session of the app at `application` on the driver at `port`.
    pub fn start(port: u16, application: &str) -> Result<Self> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(90)))
            .http_status_as_error(false)
            .build()
            .into();
        let mut session = Self {
            agent,
            base: format!("http://127.0.0.1:{port}"),
            id: String::new(),
        };
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": { "tauri:options": { "application": application } }
            }
        });
        let value = session.request("POST", "/session", Some(&capabilities))?;
        session.id = value["sessionId"]
            .as_str()
            .ok_or_else(|| WebDriverError(format!("no session id in {value}")))?
            .to_owned();
        Ok(session)
    }

    /// Ends the session; the driver closes the app.
    pub fn end(&self) -> Result<()> {
        self.request("DELETE", &format!("/session/{}", self.id), None)
            .map(drop)
    }

    /// The handles of every open window.
    pub fn handles(&self) -> Result<Vec<String>> {
        let value = self.get("/window/handles")?;
        Ok(value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h.as_str().map(str::to_owned))
            .collect())
    }

    /// Makes `handle` the window later commands act on.
    pub fn switch_to(&self, handle: &str) -> Result<()> {
        self.post("/window", &json!({ "handle": handle })).map(drop)
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the
    /// current window and returns its result.
    pub fn execute(&self, script: &str, args: Value) -> Result<Value> {
        self.post("/execute/sync", &json!({ "script": script, "args": args }))
    }

    /// Runs `script` whose last argument is a callback to call with the result.
    pub fn execute_async(&self, script: &str, args: Value) -> Result<Value> {
        self.post("/execute/async", &json!({ "script": script, "args": args }))
    }

    /// The text of the first element matching `css`, or `None`.
    pub fn text(&self, css: &str) -> Result<Option<String>> {
        let value = self.execute(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
            json!([css]),
        )?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Presses a key chord in the current window: `modifiers` are held while
    /// `key` is pressed. Keys use WebDriver codes (`"\u{E035}"` is F5).
    pub fn press(&self, modifiers: &[&str], key: &str) -> Result<()> {
        let mut actions = Vec::new();
        for modifier in modifiers {
            actions.push(json!({ "type": "keyDown", "value": modifier }));
        }
        actions.push(json!({ "type": "keyDown", "value": key }));
        actions.push(json!({ "type": "keyUp", "value": key }));
        for modifier in modifiers.iter().rev() {
            actions.push(json!({ "type": "keyUp", "value": modifier }));
        }
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.post("/actions", &body)?;
        self.request("DELETE", &format!("/session/{}/actions", self.id), None)
            .map(drop)
    }

    fn get(&self, path: &str) -> Result<Value> {
        self.request("GET", &format!("/session/{}{path}", self.id), None)
    }

    fn post(&self, path: &str, body: &Value) -> Result<Value> {
        self.request("POST", &format!("/session/{}{path}", self.id), Some(body))
    }

    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let url = format!("{}{path}", self.base);
        let mut last_error = String::new();
        for attempt in 0..TRANSPORT_RETRIES {
            if attempt > 0 {
                sleep(Duration::from_millis(250 * attempt as u64));
            }
            let response = match (method, body) {
                ("GET", _) => self.agent.get(&url).call(),
                ("DELETE", _) => self.agent.delete(&url).call(),
                (_, Some(body)) => self.agent.post(&url).send_json(body),
                (_, None) => self.agent.post(&url).send_empty(),
            };
            let mut response = match response {
                Ok(response) => response,
                Err(error) => {
                    last_error = error.to_string();
                    continue;
                }
            };
            let status = response.status();
            let value: Value = response
                .body_mut()
                .read_json()
                .map_err(|e| WebDriverError(format!("{method} {path}: unreadable answer: {e}")))?;
            if !status.is_success() {
                return Err(WebDriverError(format!(
                    "{method} {path}: {status}: {}",
                    value["value"]["message"]
                )));
            }
            return Ok(value["value"].clone());
        }
        Err(WebDriverError(format!(
            "{method} {path}: no answer after {TRANSPORT_RETRIES} tries: {last_error}"
        )))
    }
}

/// Polls `probe` until it returns `Some`, or fails after `timeout` with the
/// last observation.
pub fn wait_for<T>(
    what: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let deadline = Instant::now() + timeout;
    let mut last = String::from("no observation");
    loop {
        match probe() {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(error) => last = error.to_string(),
        }
        if Instant::now() >= deadline {
            return Err(WebDriverError(format!(
                "timed out after {timeout:?} waiting for {what} ({last})"
            )));
        }
        sleep(Duration::from_millis(50));
    }
}
