//! The organization calls against the emulator (its demo seed holds Acme and Globex).

use demo_tenant::{M2M_APP_ID, M2M_APP_SECRET};
use logto_management::{ApplicationId, ManagementClient, ManagementConfig, ManagementError, RoleType, UserId};

#[tokio::test(flavor = "multi_thread")]
async fn organizations_scopes_roles_members_and_apps() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let client = ManagementClient::new(ManagementConfig::new(&emu.endpoint, M2M_APP_ID, M2M_APP_SECRET)).unwrap();

    let orgs = client.list_organizations(None).await.unwrap();
    assert_eq!(orgs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["Acme", "Globex"]);
    assert_eq!(client.list_organizations(Some("glob")).await.unwrap().len(), 1);
    let acme = orgs[0].id.clone();
    assert_eq!(client.get_organization(&acme).await.unwrap().name, "Acme");

    // A role with an organization scope and an API-resource scope, then one more API scope added.
    let scope = client.create_organization_scope("read:reports", Some("Reports")).await.unwrap();
    let resources = client.list_resources().await.unwrap();
    let api_scopes =
        resources.iter().find(|r| r.indicator == "https://api.example.com").unwrap().scopes.clone().unwrap();
    let read = api_scopes.iter().find(|s| s.name == "read:top-users").unwrap().id.clone();
    let write = api_scopes.iter().find(|s| s.name == "write:follows").unwrap().id.clone();
    let role = client
        .create_organization_role(
            "reporter",
            None,
            RoleType::User,
            std::slice::from_ref(&scope.id),
            std::slice::from_ref(&read),
        )
        .await
        .unwrap();
    client.add_organization_role_resource_scopes(&role.id, &[write]).await.unwrap();
    let listed = client.list_organization_roles().await.unwrap();
    let reporter = listed.iter().find(|r| r.name == "reporter").unwrap();
    assert_eq!(reporter.scopes.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["read:reports"]);
    assert_eq!(reporter.resource_scopes.len(), 2);
    assert!(client.list_organization_scopes().await.unwrap().iter().any(|s| s.name == "read:reports"));

    // A new organization, a member with that role, replaced by another.
    let org = client.create_organization("Initech", Some("Initech LLC")).await.unwrap();
    let bob = UserId::new(demo_tenant::seed().users.iter().find(|u| u.username == "bob").unwrap().id.as_str());
    client.add_organization_members(&org.id, std::slice::from_ref(&bob)).await.unwrap();
    client.add_organization_members(&org.id, std::slice::from_ref(&bob)).await.unwrap(); // again: still one member
    client.assign_member_roles(&org.id, &bob, std::slice::from_ref(&role.id)).await.unwrap();
    let members = client.organization_members(&org.id).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].organization_roles[0].name, "reporter");
    let guest = listed.iter().find(|r| r.name == "guest").unwrap().id.clone();
    client.set_member_roles(&org.id, &bob, &[guest]).await.unwrap();
    assert_eq!(client.member_roles(&org.id, &bob).await.unwrap()[0].name, "guest");
    let bobs = client.user_organizations(&bob).await.unwrap();
    assert_eq!(bobs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["Acme", "Initech"]);

    // The backend app joins with the machine-to-machine role.
    let backend_role = listed.iter().find(|r| r.role_type == RoleType::MachineToMachine).unwrap().id.clone();
    let backend = ApplicationId::new(M2M_APP_ID);
    client.add_organization_applications(&org.id, std::slice::from_ref(&backend)).await.unwrap();
    client.assign_organization_application_roles(&org.id, &backend, &[backend_role]).await.unwrap();
    let apps = client.organization_applications(&org.id).await.unwrap();
    assert_eq!(apps[0].organization_roles[0].name, "backend");
    assert_eq!(client.application_organizations(&backend).await.unwrap().len(), 3);

    // Refusals keep Logto's codes.
    let nobody = UserId::new("nosuchuser00");
    let err = client.assign_member_roles(&org.id, &nobody, std::slice::from_ref(&role.id)).await.unwrap_err();
    assert!(
        matches!(&err, ManagementError::Api { status: 422, code, .. } if code == "organization.require_membership"),
        "{err}"
    );
    let err = client.add_organization_applications(&org.id, &["spa4topusers000000001".into()]).await.unwrap_err();
    assert!(
        matches!(&err, ManagementError::Api { status: 422, code, .. } if code == "entity.db_constraint_violated"),
        "{err}"
    );

    client.remove_organization_member(&org.id, &bob).await.unwrap();
    client.delete_organization_role(&role.id).await.unwrap();
    client.delete_organization(&org.id).await.unwrap();
    let err = client.get_organization(&org.id).await.unwrap_err();
    assert!(
        matches!(&err, ManagementError::Api { status: 404, code, .. } if code == "entity.not_exists_with_id"),
        "{err}"
    );
}
