//! The API's one error type: every failure is a status and a JSON body
//! saying what is wrong. A server-side failure is logged with its cause
//! and answered without it.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::MAX_BODY_BYTES;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing or wrong bearer token")]
    Unauthorized,
    /// The body is not JSON at all.
    #[error("{0}")]
    MalformedJson(String),
    /// The JSON is well formed but says something planbot cannot apply.
    #[error("{error}")]
    Invalid { error: String, details: Vec<String> },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("the body is `{0}`, not JSON")]
    UnsupportedMediaType(String),
    #[error("this endpoint does not take that method")]
    MethodNotAllowed,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn invalid(error: impl Into<String>, details: Vec<String>) -> Self {
        ApiError::Invalid { error: error.into(), details }
    }

    pub fn too_large() -> Self {
        ApiError::TooLarge(format!(
            "the body is larger than {} KiB; send fewer items per request",
            MAX_BODY_BYTES / 1024
        ))
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        ApiError::Internal(err.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, details) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "missing or wrong bearer token: send `Authorization: Bearer <PLANBOT_API_TOKEN>`".to_string(),
                Vec::new(),
            ),
            ApiError::MalformedJson(message) => (StatusCode::BAD_REQUEST, message, Vec::new()),
            ApiError::Invalid { error, details } => (StatusCode::UNPROCESSABLE_ENTITY, error, details),
            ApiError::NotFound(message) => (StatusCode::NOT_FOUND, message, Vec::new()),
            ApiError::TooLarge(message) => (StatusCode::PAYLOAD_TOO_LARGE, message, Vec::new()),
            ApiError::UnsupportedMediaType(kind) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("the body is `{kind}`; send `Content-Type: application/json`"),
                Vec::new(),
            ),
            ApiError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, "this endpoint does not take that method".to_string(), Vec::new())
            }
            ApiError::Internal(err) => {
                tracing::error!(error = %crate::telemetry::ErrorChain(&err), "an API request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "planbot could not complete the request; nothing was written. Try again later.".to_string(),
                    Vec::new(),
                )
            }
        };
        let mut response = (status, Json(json!({"error": error, "details": details}))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
