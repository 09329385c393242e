pub mod callback;
pub mod home;
pub mod organization;
pub mod profile;
pub mod sequence;
pub mod top_users;
