/**
 * Every page in `(app)/` needs a session: a visitor without a valid `gp_access` cookie is sent to renew
 * it from the refresh cookie, or to sign in (see auth/session.ts).
 * @module
 */
import { requireSession } from "../../auth/session.ts";

export default requireSession;
