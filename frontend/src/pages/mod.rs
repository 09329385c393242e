pub mod callback;
pub mod home;
pub mod profile;
pub mod sequence;
pub mod top_users;
