use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

macro_rules! timestamp {
    ($(#[$doc:meta])* $name:ident, $format:expr, $expecting:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub DateTime<Utc>);

        impl From<DateTime<Utc>> for $name {
            fn from(v: DateTime<Utc>) -> Self {
                $name(v)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0.to_rfc3339_opts($format, true))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        DateTime::parse_from_rfc3339(v)
                            .map(|t| $name(t.with_timezone(&Utc)))
                            .map_err(|e| E::custom(format_args!("invalid RFC 3339 timestamp {v:?}: {e}")))
                    }
                }
                deserializer.deserialize_str(V)
            }
        }
    };
}

timestamp!(
    /// A timestamp with seconds precision, written as RFC 3339 in UTC (`2008-01-01T01:01:01Z`),
    /// as Kubernetes writes `metav1.Time`. Any RFC 3339 text is read; the default is the Unix
    /// epoch.
    Time,
    SecondsFormat::Secs,
    "an RFC 3339 timestamp"
);

timestamp!(
    /// A timestamp with microseconds precision, written as RFC 3339 in UTC with six fraction
    /// digits (`2002-01-01T01:01:01.000002Z`), as Kubernetes writes `metav1.MicroTime`.
    MicroTime,
    SecondsFormat::Micros,
    "an RFC 3339 timestamp with microseconds"
);
