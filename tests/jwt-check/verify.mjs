// Usage: node verify.mjs <jwks url> <issuer> <audience> <token>
// Prints the verified payload as JSON and exits 0, or prints the error and exits 1.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [jwksUrl, issuer, audience, token] = process.argv.slice(2);
try {
  const jwks = createRemoteJWKSet(new URL(jwksUrl));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256'] });
  console.log(JSON.stringify({ header: protectedHeader, payload }));
} catch (e) {
  console.log(JSON.stringify({ error: e.code || e.name, message: e.message }));
  process.exit(1);
}
