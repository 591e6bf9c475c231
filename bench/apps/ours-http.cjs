'use strict';
// Contender 4, ours-http: passport-roblox-oidc's RobloxStrategy without express, on exactly the floor's harness
// (http-harness.cjs: the same node:http server, express-session and passport called as plain functions in the same
// order, the same pages, session settings, serializeUser/deserializeUser and error handling). The login routes are
// passport.authenticate('roblox') with the strategy and options of ours.cjs (express), so that:
// - ours-http vs floor is the library's cost alone (the same harness, hand-written login vs RobloxStrategy);
// - ours vs ours-http is express's cost alone (the same strategy and options, express 5 vs the bare harness).
const shared = require('./shared.cjs');
const harness = require('./http-harness.cjs');

try {
  const passport = harness.createPassport();
  passport.use(shared.robloxStrategy());
  harness.serve('ours-http', passport, {
    '/auth/roblox': passport.authenticate('roblox'),
    '/auth/roblox/callback': passport.authenticate('roblox', { ...shared.CALLBACK_OPTIONS }),
  });
} catch (err) {
  shared.fatal(err);
}
