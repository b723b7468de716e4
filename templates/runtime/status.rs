//! The `Status` the API server answers with on failure (and on some deletions).

use serde::Deserialize;

/// The `meta.k8s.io/v1` `Status` the server returns on failure. A runtime type of its own: the
/// spec a crate is generated from need not contain `Status`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Status {
    /// The HTTP status code, repeated.
    pub code: Option<i32>,
    /// `Success` or `Failure`.
    pub status: Option<String>,
    /// A machine-readable reason (`NotFound`, `Conflict`, `Invalid`...).
    pub reason: Option<String>,
    /// A human-readable description.
    pub message: Option<String>,
    /// The object concerned and, for validation failures, the causes.
    pub details: Option<StatusDetails>,
}

/// `Status.details`: which object, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StatusDetails {
    pub name: Option<String>,
    pub group: Option<String>,
    pub kind: Option<String>,
    pub uid: Option<String>,
    /// One entry per problem, e.g. each invalid field.
    #[serde(default)]
    pub causes: Vec<StatusCause>,
    pub retry_after_seconds: Option<i32>,
}

/// One cause of a failure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StatusCause {
    /// A machine-readable cause (`FieldValueRequired`, `FieldValueInvalid`...).
    pub reason: Option<String>,
    pub message: Option<String>,
    /// The field concerned, as a JSON path (`metadata.name`, `spec.containers[0].image`).
    pub field: Option<String>,
}
