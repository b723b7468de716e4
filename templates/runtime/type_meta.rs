use serde::de::{Deserializer, IgnoredAny};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A type with one fixed group/version/kind.
pub trait TypeMeta {
    /// `v1` for the core group, `GROUP/VERSION` otherwise.
    const API_VERSION: &'static str;
    /// Empty for the core group.
    const GROUP: &'static str;
    const VERSION: &'static str;
    const KIND: &'static str;
}

/// Whether a resource lives in a namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Namespaced,
    Cluster,
}

/// A REST resource served by the API: what the spec's paths say about it.
pub trait Resource: TypeMeta {
    /// The URL segment, e.g. `deployments`.
    const PLURAL: &'static str;
    const SCOPE: Scope;
    /// Kubernetes verbs the spec offers: create, delete, deletecollection, get, list, patch,
    /// update, watch.
    const VERBS: &'static [&'static str];
    /// Subresources the spec offers, e.g. `status`, `scale`.
    const SUBRESOURCES: &'static [&'static str];
}

/// A resource the spec lets you list: its list type (`SecretList` for `Secret`).
pub trait ListableResource: Resource {
    type List;
}

macro_rules! type_meta_field {
    ($(#[$doc:meta])* $name:ident, $constant:ident) => {
        $(#[$doc])*
        pub struct $name<T> {
            present: bool,
            of: PhantomData<fn() -> T>,
        }

        impl<T> $name<T> {
            /// Not written on serialization (how an object read without it stays).
            pub fn absent() -> Self {
                $name { present: false, of: PhantomData }
            }

            pub fn is_absent(&self) -> bool {
                !self.present
            }
        }

        impl<T: TypeMeta> $name<T> {
            /// The value written on serialization.
            pub fn as_str(&self) -> &'static str {
                T::$constant
            }
        }

        /// Present: a value built in code is written with its type's constant.
        impl<T> Default for $name<T> {
            fn default() -> Self {
                $name { present: true, of: PhantomData }
            }
        }

        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<T> Copy for $name<T> {}

        impl<T> PartialEq for $name<T> {
            fn eq(&self, other: &Self) -> bool {
                self.present == other.present
            }
        }

        impl<T> Eq for $name<T> {}

        impl<T: TypeMeta> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if self.present {
                    write!(f, "{:?}", T::$constant)
                } else {
                    f.write_str("absent")
                }
            }
        }

        impl<T: TypeMeta> Serialize for $name<T> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(T::$constant)
            }
        }

        /// Any value is accepted and replaced by the constant: the type already says what it is.
        impl<'de, T> Deserialize<'de> for $name<T> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                IgnoredAny::deserialize(deserializer)?;
                Ok(Self::default())
            }
        }
    };
}

type_meta_field!(
    /// The `apiVersion` of a type with a fixed group/version/kind: not set by hand, written from
    /// [`TypeMeta::API_VERSION`]. An object read without one (an embedded template) is written
    /// back without one.
    ApiVersion,
    API_VERSION
);

type_meta_field!(
    /// The `kind` of a type with a fixed group/version/kind: not set by hand, written from
    /// [`TypeMeta::KIND`]. An object read without one is written back without one.
    Kind,
    KIND
);
