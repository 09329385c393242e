pub mod callback;
pub mod home;
