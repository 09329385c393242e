// Logto's own browser SDK, unchanged, against the emulator: sign in, get an access token for the
// API resource, call our backend with it. Bundled by esbuild (see package.json "sdk-page").
import LogtoClient from '@logto/browser';

const origin = window.location.origin;
const client = new LogtoClient({
  endpoint: 'http://localhost:3001',
  appId: 'spa4sdkcheck000000001',
  resources: ['https://api.example.com'],
  scopes: ['read:top-users'],
});
const result = document.getElementById('result');
const show = (text) => { result.textContent = text; };

document.getElementById('sign-in').addEventListener('click', () => client.signIn(`${origin}/callback`));

async function main() {
  if (window.location.pathname === '/callback') {
    await client.handleSignInCallback(window.location.href);
    window.history.replaceState({}, '', '/');
  }
  if (!(await client.isAuthenticated())) {
    show('signed out');
    return;
  }
  const claims = await client.getIdTokenClaims();
  const token = await client.getAccessToken('https://api.example.com');
  const response = await fetch('http://localhost:3000/api/top-users', { headers: { Authorization: `Bearer ${token}` } });
  const body = await response.json();
  show(JSON.stringify({ user: claims.username, status: response.status, users: body.users?.map((u) => u.username) }));
}

main().catch((error) => show(`error: ${error}`));
