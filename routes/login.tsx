/**
 * `/login`: the sign-in form (no JavaScript). A successful sign-in sets the httpOnly `gp_access` and
 * `gp_refresh` cookies and returns to `next`.
 * @module
 */
import { HttpError, page, type PageProps, type RouteConfig } from "fresh";
import { sameOriginWrite } from "../auth/authenticate.ts";
import { authCookies, isSecureRequest } from "../auth/cookies.ts";
import { login, LoginThrottledError } from "../auth/login.ts";
import { identify, PAGE_HEADERS } from "../auth/session.ts";
import { TokenError } from "../auth/tokens.ts";
import { define } from "../core/define.ts";
import { LocalPath } from "../domain/common.ts";

interface LoginData {
  next: string;
  username: string;
  error?: string;
}

/** Signed-in or not, the sign-in page stands alone: no navigation. */
export const config: RouteConfig = { skipInheritedLayouts: true };

function nextOf(value: unknown): string {
  const parsed = LocalPath.safeParse(value);
  return parsed.success && !parsed.data.startsWith("/login") ? parsed.data : "/";
}

function form(data: LoginData, status = 200, headers: HeadersInit = {}) {
  return page<LoginData>(data, { status, headers: { ...PAGE_HEADERS, ...headers } });
}

export const handler = define.handlers<LoginData>({
  async GET(ctx) {
    ctx.state.title = "Sign in";
    await identify(ctx);
    const next = nextOf(ctx.url.searchParams.get("next"));
    if (ctx.state.user) return ctx.redirect(next, 303);
    return form({ next, username: "" });
  },
  async POST(ctx) {
    ctx.state.title = "Sign in";
    if (!sameOriginWrite(ctx.req)) throw new HttpError(403, "Sign in from GridPulse's own sign-in page");
    if (Number(ctx.req.headers.get("content-length") ?? 0) > 10_000) {
      throw new HttpError(413, "The sign-in form is larger than it can be");
    }
    const body = await ctx.req.formData().catch(() => new FormData());
    const username = String(body.get("username") ?? "").trim().slice(0, 100);
    const password = String(body.get("password") ?? "").slice(0, 1000);
    const next = nextOf(body.get("next"));
    if (!username || !password) {
      return form({ next, username, error: "Enter your username and password" }, 400);
    }
    try {
      const address = (ctx.info?.remoteAddr as Deno.NetAddr | undefined)?.hostname ?? "local";
      const tokens = await login(ctx.state.services, { username, password, address });
      const headers = new Headers({ Location: next });
      for (const cookie of authCookies(tokens, isSecureRequest(ctx.req))) {
        headers.append("Set-Cookie", cookie);
      }
      return new Response(null, { status: 303, headers });
    } catch (error) {
      if (error instanceof LoginThrottledError) {
        return form({ next, username, error: error.message }, 429, {
          "Retry-After": String(error.retryAfterSeconds),
        });
      }
      if (error instanceof TokenError) return form({ next, username, error: error.message });
      throw error;
    }
  },
});

/** The sign-in card. */
export default function LoginPage({ data }: PageProps<LoginData>) {
  return (
    <main class="login">
      <form class="card login-card" method="post" action="/login">
        <div class="brand brand-dark">
          <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="7" />
            <path d="M4 17h6l3-8 5 15 3-7h7" />
          </svg>
          GridPulse
        </div>
        <h1>Sign in</h1>
        <p class="muted small">Energy telemetry and flexibility for your plants, VENs and sites.</p>
        {data.error && <p class="form-error" role="alert">{data.error}</p>}
        <input type="hidden" name="next" value={data.next} />
        <label class="field">
          <span>Username</span>
          <input name="username" autocomplete="username" required value={data.username} autofocus />
        </label>
        <label class="field">
          <span>Password</span>
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button class="button" type="submit">Sign in</button>
        <p class="muted small">
          The first administrator is{" "}
          <code>admin</code>; its password was printed when GridPulse first started (or set with{" "}
          <code>ADMIN_PASSWORD</code>).
        </p>
      </form>
    </main>
  );
}
