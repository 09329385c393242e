//! Subject tokens and personal access tokens against the emulator (issue 27; Logto 1.42's
//! `routes/subject-token.ts` and `routes/admin-user/personal-access-token.ts`).

use demo_tenant::{M2M_APP_ID, M2M_APP_SECRET};
use logto_management::{ManagementClient, ManagementConfig, ManagementError, UserId};

#[tokio::test(flavor = "multi_thread")]
async fn subject_and_personal_access_tokens() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let client = ManagementClient::new(ManagementConfig::new(&emu.endpoint, M2M_APP_ID, M2M_APP_SECRET)).unwrap();
    let alice = UserId::new(emu.state.tenant.read(|s| s.user_by_identifier("alice").unwrap().id.clone()));

    let subject = client.create_subject_token(&alice, Some(&serde_json::json!({"ticket": 42}))).await.unwrap();
    assert!(subject.subject_token.starts_with("sub_") && subject.expires_in == 600);
    assert!(!format!("{subject:?}").contains(&subject.subject_token), "the value is not in Debug");
    let unknown = client.create_subject_token(&UserId::new("nosuchuser00"), None).await;
    assert!(matches!(unknown, Err(ManagementError::Api { status: 404, .. })), "{unknown:?}");

    let ci = client.create_personal_access_token(&alice, "ci", None).await.unwrap();
    assert!(ci.value.starts_with("pat_") && ci.expires_at.is_none() && ci.user_id == alice);
    assert!(!format!("{ci:?}").contains(&ci.value));
    let later = client.create_personal_access_token(&alice, "later", Some(4_000_000_000_000)).await.unwrap();
    assert_eq!(later.expires_at, Some(4_000_000_000_000));
    let taken = client.create_personal_access_token(&alice, "ci", None).await;
    assert!(matches!(taken, Err(ManagementError::Api { status: 422, .. })), "{taken:?}");
    let names: Vec<String> = client.personal_access_tokens(&alice).await.unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["later", "ci"]);
    assert_eq!(client.rename_personal_access_token(&alice, "ci", "ci/main").await.unwrap().name, "ci/main");
    client.delete_personal_access_token(&alice, "ci/main").await.unwrap();
    let gone = client.delete_personal_access_token(&alice, "ci/main").await;
    assert!(matches!(gone, Err(ManagementError::Api { status: 404, .. })), "{gone:?}");
    assert_eq!(client.personal_access_tokens(&alice).await.unwrap().len(), 1);
}
