//! The organization calls against the emulator (its demo seed holds Acme and Globex).

use demo_tenant::{M2M_APP_ID, M2M_APP_SECRET};
use logto_management::{
    ApplicationId, InvitationFilter, InvitationStatus, ManagementClient, ManagementConfig, ManagementError,
    NewInvitation, OrganizationId, RoleType, UserId,
};

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

/// Invitations (made, listed, accepted, revoked, deleted), a member's scopes and bulk member roles,
/// typed, against the emulator.
#[tokio::test(flavor = "multi_thread")]
async fn invitations_member_scopes_and_bulk_roles() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let client = ManagementClient::new(ManagementConfig::new(&emu.endpoint, M2M_APP_ID, M2M_APP_SECRET)).unwrap();
    let acme = OrganizationId::new("acmeorg00001");
    let member = client.list_organization_roles().await.unwrap().into_iter().find(|r| r.name == "member").unwrap();
    let in_a_week = emu.state.clock.now_ms() + 7 * 86_400_000;
    let new = |invitee: &str| NewInvitation {
        inviter_id: None,
        invitee: invitee.into(),
        organization_id: acme.clone(),
        expires_at: in_a_week,
        organization_role_ids: vec![member.id.clone()],
        message_payload: None,
    };
    let invitation = client.create_invitation(&new("newbie@example.com")).await.unwrap();
    assert_eq!(
        (invitation.status, invitation.organization_roles[0].name.as_str()),
        (InvitationStatus::Pending, "member")
    );
    let other = client.create_invitation(&new("other@example.com")).await.unwrap();
    let filter = InvitationFilter { invitee: Some("NEWBIE@example.com".into()), ..Default::default() };
    assert_eq!(client.list_invitations(&filter).await.unwrap(), std::slice::from_ref(&invitation));
    assert_eq!(client.list_invitations(&InvitationFilter::default()).await.unwrap().len(), 2);
    // Emailed: the demo tenant's outbox gets it (a Logto without an email connector answers 501,
    // which the CLI's test sees).
    let mut emailed = new("mailed@example.com");
    emailed.message_payload = Some(serde_json::json!({"link": "https://app.example.com/invitations/x"}));
    client.create_invitation(&emailed).await.unwrap();
    let sent = emu.state.tenant.read(|s| s.outbox.last().map(|m| (m.to.clone(), m.payload["link"].clone())));
    assert_eq!(sent, Some(("mailed@example.com".into(), serde_json::json!("https://app.example.com/invitations/x"))));

    let newbie = client
        .create_user(&logto_management::NewUser {
            username: Some("newbie".into()),
            primary_email: Some("newbie@example.com".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let accepted = client.accept_invitation(&invitation.id, &newbie.id).await.unwrap();
    assert_eq!((accepted.status, accepted.accepted_user_id.as_ref()), (InvitationStatus::Accepted, Some(&newbie.id)));
    let scopes = client.member_scopes(&acme, &newbie.id).await.unwrap();
    assert_eq!(scopes.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["read:members"]);
    assert_eq!(client.revoke_invitation(&other.id).await.unwrap().status, InvitationStatus::Revoked);
    client.delete_invitation(&other.id).await.unwrap();
    assert!(matches!(client.get_invitation(&other.id).await, Err(ManagementError::Api { status: 404, .. })));

    // bob, a guest, made a member in bulk; a non-member refused.
    let bob = UserId::new(emu.state.tenant.read(|s| s.user_by_identifier("bob").unwrap().id.clone()));
    client.add_members_roles(&acme, std::slice::from_ref(&bob), std::slice::from_ref(&member.id)).await.unwrap();
    let roles = client.member_roles(&acme, &bob).await.unwrap();
    assert!(roles.iter().any(|r| r.name == "member"), "{roles:?}");
    let trent = UserId::new(emu.state.tenant.read(|s| s.user_by_identifier("trent").unwrap().id.clone()));
    let refused = client.add_members_roles(&acme, std::slice::from_ref(&trent), std::slice::from_ref(&member.id)).await;
    assert!(matches!(refused, Err(ManagementError::Api { status: 422, .. })), "{refused:?}");
    assert!(client.member_scopes(&acme, &trent).await.unwrap().is_empty());
}
