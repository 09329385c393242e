//! Ids of Logto's entities, one type each, so that a call taking an organization and a user (or an
//! application, or roles) cannot be given them the other way round. Each is the id as text,
//! `#[serde(transparent)]`, and reads as a `&str` (`Deref`) wherever text is wanted.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id of text from Logto, a configuration or a path (not checked: Logto decides
            /// what exists).
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Any text (for command-line arguments): Logto decides what exists.
        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(id: &str) -> Result<Self, Self::Err> {
                Ok(Self(id.to_string()))
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    )*};
}

id_type! {
    /// A user's id.
    UserId;
    /// An application's id (its OAuth client id).
    ApplicationId;
    /// An organization's id.
    OrganizationId;
    /// A role's id (user or machine-to-machine roles of API permissions).
    RoleId;
    /// An organization role's id (the organization template's roles).
    OrganizationRoleId;
    /// An API resource permission's id.
    ScopeId;
    /// An organization permission's id.
    OrganizationScopeId;
    /// An API resource's id (not its indicator).
    ResourceId;
    /// A webhook's id.
    HookId;
    /// An organization invitation's id.
    InvitationId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_their_text_on_the_wire_and_in_code() {
        let id = UserId::new("p861e0zr9ryv");
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""p861e0zr9ryv""#);
        assert_eq!(serde_json::from_str::<UserId>(r#""p861e0zr9ryv""#).unwrap(), id);
        assert!(id == "p861e0zr9ryv" && id.len() == 12);
        assert_eq!(id.to_string(), "p861e0zr9ryv");
    }
}
