/** The sign-in form: a bearer token of `access.tokens`, kept in an HttpOnly cookie. */
export function LoginPage(props: { next: string; error?: string | undefined }) {
  return (
    <>
      <h1>Sign in</h1>
      <p class="lead">This Tributary asks for an access token: one of the tokens in the config's <code>access.tokens</code>, the same that the API takes as a bearer token.</p>
      {props.error ? (
        <p class="notice bad" role="alert">
          {props.error}
        </p>
      ) : null}
      <form class="login" method="post" action="/login">
        <input type="hidden" name="next" value={props.next} />
        <label for="token">
          Access token
          <input id="token" name="token" type="password" autocomplete="current-password" required />
        </label>
        <button class="primary" type="submit">
          Sign in
        </button>
      </form>
    </>
  );
}

/** A page saying what went wrong (a refused parameter, a missing scope, an unknown key). */
export function MessagePage(props: { status: number; message: string }) {
  return (
    <>
      <h1>{props.status === 404 ? 'Not found' : props.status === 403 ? 'Not allowed' : props.status >= 500 ? 'Something went wrong' : 'Cannot show this'}</h1>
      <p class={props.status >= 500 ? 'notice bad' : 'notice'} role="alert">
        {props.message}
      </p>
      <p>
        <a href="/">Back to the overview</a>
      </p>
    </>
  );
}
