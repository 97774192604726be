import type { Labels } from '../i18n';
import { Layout } from './layout';

export function LoginPage(props: { t: Labels; csrf: string; next: string; message?: string; user?: string }) {
  const { t } = props;
  return (
    <Layout t={props.t} title={t.signIn.title} here="/login">
      <section class="login">
        <h1>{t.signIn.title}</h1>
        {props.message && <p class="error" role="alert">{props.message}</p>}
        <form method="post" action="/login">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <label>
            {t.signIn.userName}
            <input name="user" autocomplete="username" required value={props.user ?? ''} autofocus />
          </label>
          <label>
            {t.signIn.password}
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <button type="submit">{t.signIn.submit}</button>
        </form>
      </section>
    </Layout>
  );
}
