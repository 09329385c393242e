//! The organization administration bundle, under `/admin/`: an organization's members and the
//! invitation page (see the crate's docs).

fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(frontend::admin::Admin);
}
