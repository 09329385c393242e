//! Lists are read to the end: Logto answers 20 items when asked nothing, so a tenant with more roles,
//! users or applications than one page must not look smaller to this client (a bug found against real
//! Logto: `logto-cli roles assign` said a role did not exist in a tenant with more than 20 roles).
//! And when Logto cannot be reached, the error keeps why.

use demo_tenant::{M2M_APP_ID, M2M_APP_SECRET};
use logto_management::{ManagementClient, ManagementConfig, ManagementError, NewUser, RoleType};

#[tokio::test(flavor = "multi_thread")]
async fn every_page_of_a_list_is_read() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let client = ManagementClient::new(ManagementConfig::new(&emu.endpoint, M2M_APP_ID, M2M_APP_SECRET)).unwrap();
    let seeded_user_roles = client.list_roles(RoleType::User).await.unwrap().len();
    for i in 0..45 {
        client.create_role(&format!("role-{i:02}"), "a role", RoleType::User, &[]).await.unwrap();
    }
    for i in 0..250 {
        let user = NewUser { username: Some(format!("user_{i:03}")), ..NewUser::default() };
        client.create_user(&user).await.unwrap();
    }
    let roles = client.list_roles(RoleType::User).await.unwrap();
    assert_eq!(roles.len(), seeded_user_roles + 45);
    assert!(roles.iter().any(|r| r.name == "role-00") && roles.iter().any(|r| r.name == "role-44"));

    // A user holding all of them: their roles span several pages too.
    let ids: Vec<logto_management::RoleId> = roles.iter().map(|r| r.id.clone()).collect();
    let alice = logto_management::UserId::new(demo_tenant::seed().users[0].id.as_str());
    client.assign_user_roles(&alice, &ids).await.unwrap();
    assert_eq!(client.user_roles(&alice).await.unwrap().len(), roles.len());

    // 250 users and more: the CLI's `users list` pages through them with `list_users`.
    let mut seen = 0;
    for page in 1.. {
        let got = client.list_users(page, 100, None).await.unwrap();
        seen += got.items.len();
        if got.items.len() < 100 {
            break;
        }
    }
    assert_eq!(seen, demo_tenant::seed().users.len() + 250);
}

#[tokio::test]
async fn an_unreachable_logto_says_why() {
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = ManagementClient::new(ManagementConfig::new(&format!("http://127.0.0.1:{port}"), "a", "b")).unwrap();
    let err = client.list_roles(RoleType::User).await.unwrap_err();
    assert!(matches!(err, ManagementError::Unreachable { .. }), "{err}");
    assert!(err.to_string().to_lowercase().contains("connection refused"), "the cause is kept: {err}");
}
