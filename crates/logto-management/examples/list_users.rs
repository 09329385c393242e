//! A small program with `logto-management`: gets a machine-to-machine token and lists the tenant's
//! users and organizations.
//!
//! `LOGTO_M2M_APP_ID=… LOGTO_M2M_APP_SECRET=… cargo run -p logto-management --example list_users`
//! (LOGTO_ENDPOINT defaults to http://localhost:3001; for Logto Cloud also set
//! LOGTO_MANAGEMENT_RESOURCE=https://{tenant-id}.logto.app/api). The application needs a
//! machine-to-machine role with the Management API's `all` permission.

use logto_management::{ManagementClient, ManagementConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    let endpoint = var("LOGTO_ENDPOINT").unwrap_or_else(|_| "http://localhost:3001".into());
    let mut config = ManagementConfig::new(&endpoint, &var("LOGTO_M2M_APP_ID")?, &var("LOGTO_M2M_APP_SECRET")?);
    if let Ok(resource) = var("LOGTO_MANAGEMENT_RESOURCE") {
        config.resource = resource;
    }
    let logto = ManagementClient::new(config)?;
    let users = logto.list_users(1, 100, None).await?;
    println!("{} users (first page)", users.items.len());
    for user in &users.items {
        println!(
            "  {}  {:<12} {}",
            user.id,
            user.username.as_deref().unwrap_or("-"),
            user.name.as_deref().unwrap_or("")
        );
    }
    let organizations = logto.list_organizations(None).await?;
    println!("{} organizations", organizations.len());
    for organization in &organizations {
        let members = logto.organization_members(&organization.id).await?;
        println!("  {}  {} ({} members)", organization.id, organization.name, members.len());
    }
    Ok(())
}
