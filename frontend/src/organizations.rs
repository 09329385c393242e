//! The signed-in user's organizations (names from `/oidc/me`'s `organization_data`), loaded once per
//! sign-in for the header's switcher and the organization page's title, and [`Listing`]: which list
//! a page shows.

use leptos::prelude::*;
use logto_leptos::{Logto, OrganizationData, TokenFor};

use crate::config::API_RESOURCE;

/// Whose most-followed users a list shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    /// Every user of the tenant: a plain API token.
    Everyone,
    /// The members of one organization: an organization-level API token for it.
    Organization(String),
}

impl Listing {
    pub fn path(&self) -> String {
        match self {
            Listing::Everyone => "/api/top-users".into(),
            Listing::Organization(id) => format!("/api/organizations/{id}/top-users"),
        }
    }

    pub fn token_for(&self) -> TokenFor {
        match self {
            Listing::Everyone => TokenFor::api(API_RESOURCE),
            Listing::Organization(id) => TokenFor::organization_api(API_RESOURCE, id.as_str()),
        }
    }

    pub fn organization_id(&self) -> Option<&str> {
        match self {
            Listing::Everyone => None,
            Listing::Organization(id) => Some(id),
        }
    }
}

/// The user's organizations; empty while unknown or signed out.
#[derive(Clone, Copy)]
pub struct MyOrganizations(pub RwSignal<Vec<OrganizationData>>);

impl MyOrganizations {
    /// Provides the list and loads it at each sign-in.
    pub fn provide(logto: Logto) {
        let list = MyOrganizations(RwSignal::new(vec![]));
        provide_context(list);
        let signed_in_as = Memo::new(move |_| logto.state.with(|s| s.claims().map(|c| c.sub())));
        Effect::new(move |_| {
            if signed_in_as.get().is_none() {
                list.0.set(vec![]);
                return;
            }
            list.reload(logto);
        });
    }

    /// Reads the organizations again (after the user joined one).
    pub fn reload(self, logto: Logto) {
        let list = self;
        leptos::task::spawn_local(async move {
            let orgs = match logto.user_info().await {
                Ok(info) => info.organization_data(),
                // Without /oidc/me the ID token still names them: ids stand in for names.
                Err(_) => logto
                    .state
                    .get_untracked()
                    .claims()
                    .map(|c| c.organizations())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|id| OrganizationData { name: id.clone(), id, description: None })
                    .collect(),
            };
            list.0.set(orgs);
        });
    }

    pub fn expect() -> Self {
        expect_context()
    }

    /// The organization's name, else its id.
    pub fn name_of(&self, id: &str) -> String {
        self.0.with(|list| list.iter().find(|o| o.id == id).map(|o| o.name.clone())).unwrap_or_else(|| id.to_string())
    }
}

/// The organization of an organization page's path (`/organizations/{id}/…`).
pub fn organization_in_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/organizations/")?;
    let id = rest.split('/').next()?;
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_names_its_route_and_token() {
        let org = Listing::Organization("acmeorg00001".into());
        assert_eq!(org.path(), "/api/organizations/acmeorg00001/top-users");
        assert_eq!(org.token_for(), TokenFor::organization_api(API_RESOURCE, "acmeorg00001"));
        assert_eq!(Listing::Everyone.token_for(), TokenFor::api(API_RESOURCE));
    }

    #[test]
    fn the_organization_is_read_from_the_path() {
        assert_eq!(organization_in_path("/organizations/acme/top-users"), Some("acme"));
        assert_eq!(organization_in_path("/organizations/"), None);
        assert_eq!(organization_in_path("/top-users"), None);
    }
}
