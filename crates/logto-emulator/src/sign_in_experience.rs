//! The sign-in experience: Logto's `sign_in_experiences` row as `GET /api/sign-in-exp` answers it
//! (recorded, `tests/fidelity/org-admin/407-*`), its default (`packages/schemas/src/seeds/
//! sign-in-experience.ts`, OSS: username and password; email and password when the seed allows
//! email sign-up), and a `PATCH` applied: the top-level fields it names, each replaced whole (the
//! body is checked against Logto's OpenAPI schema first, `management::schema`).

use serde_json::{json, Map, Value};

use crate::seed::SeedSignUp;

/// Logto's default sign-in experience, with the seed's sign-up rules when it has some.
pub fn default_value(sign_up: Option<&SeedSignUp>) -> Value {
    let (sign_up, sign_in) = match sign_up {
        Some(rules) => (
            json!({"identifiers": ["email"], "password": true, "verify": rules.verify_email}),
            json!({"methods": [
                {"identifier": "username", "password": true, "verificationCode": false, "isPasswordPrimary": true},
                {"identifier": "email", "password": true, "verificationCode": rules.verify_email, "isPasswordPrimary": true}]}),
        ),
        None => (
            json!({"identifiers": ["username"], "password": true, "verify": false}),
            json!({"methods": [{"identifier": "username", "password": true, "verificationCode": false, "isPasswordPrimary": true}]}),
        ),
    };
    let first = json!({
        "tenantId": "default", "id": "default",
        "color": {"primaryColor": "#6139F6", "isDarkModeEnabled": false, "darkPrimaryColor": "#8768F8"},
        "branding": {"logoUrl": "https://logto.io/logo.svg", "darkLogoUrl": "https://logto.io/logo-dark.svg"},
        "hideLogtoBranding": false,
        "languageInfo": {"autoDetect": true, "fallbackLanguage": "en"},
        "termsOfUseUrl": null, "privacyPolicyUrl": null, "agreeToTermsPolicy": "Automatic",
        "signIn": sign_in, "signUp": sign_up,
    });
    // Two halves: one `json!` of it all is past the macro's recursion limit.
    let rest = json!({
        "socialSignIn": {}, "socialSignInConnectorTargets": [], "signInMode": "SignInAndRegister",
        "customCss": null, "customContent": {}, "customUiAssets": null, "customUiCsp": {},
        "passwordPolicy": {}, "mfa": {"factors": [], "policy": "UserControlled"}, "adaptiveMfa": {},
        "singleSignOnEnabled": false, "supportEmail": null, "supportWebsiteUrl": null,
        "unknownSessionRedirectUrl": null, "captchaPolicy": {}, "sentinelPolicy": {}, "emailBlocklistPolicy": {},
        "verificationCodePolicy": {}, "forgotPasswordMethods": [], "passkeySignIn": {},
        "signUpProfileFields": null, "passwordExpiration": {},
        "usernamePolicy": {"caseSensitive": true, "minLength": 1, "maxLength": 128,
            "allowedChars": {"lowercase": true, "uppercase": true, "numbers": true, "underscore": true}},
    });
    let mut value = first;
    if let (Some(all), Value::Object(rest)) = (value.as_object_mut(), rest) {
        all.extend(rest);
    }
    value
}

/// `current` with the (already conformed, `management::schema`) patch's top-level fields
/// replaced, as Logto's `updateDefaultSignInExperience` sets them.
pub fn patched(current: &Value, patch: &Map<String, Value>) -> Value {
    let mut next = current.clone();
    for (key, value) in patch {
        next[key] = value.clone();
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_replaces_the_fields_it_names() {
        let current = default_value(None);
        let patch = json!({"signInMode": "SignIn", "sentinelPolicy": {}, "customCss": ".a{}"});
        let next = patched(&current, patch.as_object().unwrap());
        assert_eq!((next["signInMode"].as_str(), next["customCss"].as_str()), (Some("SignIn"), Some(".a{}")));
        assert_eq!(next["signUp"], current["signUp"], "what the patch leaves out stays");
    }
}
