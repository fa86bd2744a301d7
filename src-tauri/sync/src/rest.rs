//! The PostgREST client (see the crate docs for the protocol).

use reqwest::{Method, RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use axolop_auth::body::{self, printable, BodyError, MESSAGE_MAX_CHARS};

use crate::error::{Result, SyncError};
use axolop_model::ContactDraft;

use crate::remote::{RemoteAgency, RemoteContact};

/// The largest answer read: a page of 1,000 contacts at every field's
/// limit (10,000 characters of notes, up to 4 bytes each) fits.
const BODY_MAX: usize = 48 * 1024 * 1024;
/// The largest error body read.
const ERROR_BODY_MAX: usize = 64 * 1024;

/// One page of a pull.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// In `(change_seq, id)` order, tombstones included.
    pub rows: Vec<RemoteContact>,
    /// How many rows the whole pull matches (asked of the first page only).
    pub total: Option<u64>,
}

/// What became of a pushed change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// The server applied it; this is the row as it now stands.
    Applied(Box<RemoteContact>),
    /// An insert whose id the server already has: an earlier attempt landed
    /// (its answer was lost). Nothing new was written.
    AlreadyApplied,
    /// An update or deletion based on a version the server no longer has:
    /// nothing was written, and the server's row wins.
    Conflict,
}

/// A client of one project's PostgREST (`{project}/rest/v1`).
#[derive(Debug, Clone)]
pub struct Rest {
    http: reqwest::Client,
    base: String,
    anon_key: String,
}

impl Rest {
    /// A client of the project at `url`, sending `anon_key`, over `http`
    /// (the auth client's, so both share connections and timeouts).
    pub fn new(http: reqwest::Client, url: &str, anon_key: &str) -> Result<Rest> {
        let url = url.trim_end_matches('/');
        let parsed =
            reqwest::Url::parse(url).map_err(|e| SyncError::Config(format!("{url}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(SyncError::Config(format!("{url}: not an http(s) address")));
        }
        Ok(Rest {
            http,
            base: format!("{url}/rest/v1"),
            anon_key: anon_key.to_owned(),
        })
    }

    /// The pull watermark: every transaction below it had ended when asked.
    pub async fn watermark(&self, token: &SecretString) -> Result<i64> {
        let request = self
            .request(Method::POST, "rpc/sync_watermark", token)
            .json(&json!({}));
        self.json(request).await
    }

    /// Up to `limit` of `agency`'s contacts changed at or after `since`,
    /// in `(change_seq, id)` order, starting after the row `after` (its
    /// `(change_seq, id)`) or from the first; the first page counts the
    /// whole pull.
    ///
    /// Keyset pages, not offsets: a row changed during the pull moves to
    /// the end, and with offsets the rows behind it would shift back past
    /// the page boundary and be skipped for good.
    pub async fn contacts_changed(
        &self,
        token: &SecretString,
        agency: &str,
        since: i64,
        after: Option<(i64, &str)>,
        limit: u64,
    ) -> Result<Page> {
        let mut query = vec![
            ("select", "*".to_owned()),
            ("agency_id", format!("eq.{agency}")),
            ("change_seq", format!("gte.{since}")),
            ("order", "change_seq.asc,id.asc".to_owned()),
            ("limit", limit.max(1).to_string()),
        ];
        if let Some((seq, id)) = after {
            query.push((
                "or",
                format!("(change_seq.gt.{seq},and(change_seq.eq.{seq},id.gt.{id}))"),
            ));
        }
        let mut request = self.request(Method::GET, "contacts", token).query(&query);
        if after.is_none() {
            request = request.header("prefer", "count=exact");
        }
        let response = self.send(request).await?;
        let total = response
            .headers()
            .get("content-range")
            .and_then(|value| value.to_str().ok())
            .and_then(|range| range.rsplit_once('/'))
            .and_then(|(_, total)| total.parse().ok());
        let rows = read_json(response).await?;
        Ok(Page { rows, total })
    }

    /// The contact `id` as the server has it now (tombstone included), if
    /// the user may see it.
    pub async fn contact(&self, token: &SecretString, id: &str) -> Result<Option<RemoteContact>> {
        let request = self
            .request(Method::GET, "contacts", token)
            .query(&[("select", "*".to_owned()), ("id", format!("eq.{id}"))]);
        let rows: Vec<RemoteContact> = self.json(request).await?;
        Ok(rows.into_iter().next())
    }

    /// Inserts a contact with `fields` under the device-made `id` (the
    /// draft's own id is not sent); a retry of an insert that already
    /// landed adds nothing ([`Pushed::AlreadyApplied`]).
    pub async fn insert_contact(
        &self,
        token: &SecretString,
        id: &str,
        agency: &str,
        fields: &ContactDraft,
    ) -> Result<Pushed> {
        let mut row = editable(fields)?;
        row["id"] = json!(id);
        row["agency_id"] = json!(agency);
        let request = self
            .request(Method::POST, "contacts", token)
            .query(&[("on_conflict", "id")])
            .header(
                "prefer",
                "return=representation,resolution=ignore-duplicates",
            )
            .json(&row);
        let rows: Vec<RemoteContact> = self.json(request).await?;
        Ok(rows
            .into_iter()
            .next()
            .map_or(Pushed::AlreadyApplied, |row| Pushed::Applied(Box::new(row))))
    }

    /// Writes `fields` over the contact `id` (the draft's own id is not
    /// sent) if the server still has `base_version`.
    pub async fn update_contact(
        &self,
        token: &SecretString,
        id: &str,
        base_version: u64,
        fields: &ContactDraft,
    ) -> Result<Pushed> {
        self.patch_contact(token, id, base_version, editable(fields)?)
            .await
    }

    /// Marks the contact `id` deleted (a tombstone) if the server still has
    /// `base_version`.
    pub async fn delete_contact(
        &self,
        token: &SecretString,
        id: &str,
        base_version: u64,
    ) -> Result<Pushed> {
        // The server's clock stamps updated_at; deleted_at only needs to be
        // set, and `now` is PostgreSQL's own literal for its clock.
        self.patch_contact(token, id, base_version, json!({ "deleted_at": "now" }))
            .await
    }

    /// The agencies the user belongs to.
    pub async fn agencies(&self, token: &SecretString) -> Result<Vec<RemoteAgency>> {
        let request = self
            .request(Method::GET, "agencies", token)
            .query(&[("select", "*"), ("order", "name.asc,id.asc")]);
        self.json(request).await
    }

    /// Creates an agency with the device-made `id`; its creator becomes its
    /// owner on the server. A retry of a creation that landed adds nothing.
    pub async fn create_agency(&self, token: &SecretString, id: &str, name: &str) -> Result<()> {
        // A plain insert, answered with nothing: until the statement ends,
        // the creator is not yet a member, so neither RETURNING nor ON
        // CONFLICT (both read the row) would pass row-level security. A
        // retry that finds its own row meets the primary key instead.
        let request = self
            .request(Method::POST, "agencies", token)
            .header("prefer", "return=minimal")
            .json(&json!({ "id": id, "name": name }));
        match self.send(request).await {
            Ok(_) => Ok(()),
            Err(SyncError::Refused {
                status: 409, code, ..
            }) if code == "23505" => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn patch_contact(
        &self,
        token: &SecretString,
        id: &str,
        base_version: u64,
        changes: Value,
    ) -> Result<Pushed> {
        let request = self
            .request(Method::PATCH, "contacts", token)
            .query(&[
                ("id", format!("eq.{id}")),
                ("version", format!("eq.{base_version}")),
            ])
            .header("prefer", "return=representation")
            .json(&changes);
        let rows: Vec<RemoteContact> = self.json(request).await?;
        Ok(rows
            .into_iter()
            .next()
            .map_or(Pushed::Conflict, |row| Pushed::Applied(Box::new(row))))
    }

    fn request(&self, method: Method, path: &str, token: &SecretString) -> RequestBuilder {
        self.http
            .request(method, format!("{}/{path}", self.base))
            .header("apikey", &self.anon_key)
            .bearer_auth(token.expose_secret())
    }

    async fn json<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T> {
        read_json(self.send(request).await?).await
    }

    async fn send(&self, request: RequestBuilder) -> Result<reqwest::Response> {
        let response = request.send().await.map_err(unavailable)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = read_capped(response, ERROR_BODY_MAX)
            .await
            .unwrap_or_default();
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let code = printable(body["code"].as_str().unwrap_or_default(), 16);
        let message = printable(
            body["message"].as_str().unwrap_or_default(),
            MESSAGE_MAX_CHARS,
        );
        Err(match status {
            StatusCode::UNAUTHORIZED if code == "PGRST303" => SyncError::TokenExpired,
            StatusCode::UNAUTHORIZED => SyncError::Unauthorized { code, message },
            StatusCode::TOO_MANY_REQUESTS => SyncError::Unavailable(format!("{status}: {message}")),
            status if status.is_server_error() => {
                SyncError::Unavailable(format!("{status}: {message}"))
            }
            status => SyncError::Refused {
                status: status.as_u16(),
                code,
                message,
            },
        })
    }
}

/// A draft's editable fields as a row's columns (the app's names and the
/// schema's are the same), without its id.
fn editable(fields: &ContactDraft) -> Result<Value> {
    let mut row = serde_json::to_value(fields).map_err(|e| SyncError::Protocol(e.to_string()))?;
    if let Some(row) = row.as_object_mut() {
        row.remove("id");
    }
    Ok(row)
}

async fn read_json<T: DeserializeOwned>(response: reqwest::Response) -> Result<T> {
    let bytes = read_capped(response, BODY_MAX).await?;
    serde_json::from_slice(&bytes).map_err(|e| SyncError::Protocol(e.to_string()))
}

/// The body, if it is at most `limit` bytes (see `axolop_auth::body`).
async fn read_capped(response: reqwest::Response, limit: usize) -> Result<Vec<u8>> {
    body::read_capped(response, limit)
        .await
        .map_err(|error| match error {
            BodyError::TooLarge(limit) => SyncError::Protocol(BodyError::too_large(limit)),
            BodyError::Transport(error) => unavailable(error),
        })
}

/// A transport failure. reqwest never puts headers (where the token
/// travels) in its errors; the URL is left out too.
fn unavailable(error: reqwest::Error) -> SyncError {
    let what = if error.is_timeout() {
        "no answer in time"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "the connection failed"
    };
    let cause = std::error::Error::source(&error)
        .map(|source| format!(" ({source})"))
        .unwrap_or_default();
    SyncError::Unavailable(format!("{what}{cause}"))
}
