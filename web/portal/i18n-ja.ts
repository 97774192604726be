import type { PortalStrings } from './i18n';

export const ja: PortalStrings = {
  lang: 'ja',
  portal: 'お客様ポータル',
  signIn: {
    title: 'サインイン',
    intro: 'ご登録のメールアドレスを入力してください。サインイン用のリンクをお送りします。',
    email: 'メールアドレス',
    send: 'リンクを送信',
    sent: 'ご登録のアドレスであれば、サインイン用のリンクをお送りしました。リンクは15分間、1回だけ有効です。',
    invalidLink: 'このリンクは使用済みか、有効期限が切れています。もう一度リンクをお送りください。',
    expired: 'セッションが終了しました。もう一度サインインしてください。',
  },
  signOut: 'サインアウト',
  list: { title: 'お問い合わせ一覧', number: '番号', subject: '件名', state: '状況', due: '次回回答予定', requester: 'お問い合わせ者', none: 'お問い合わせはまだありません。', new: '新しいお問い合わせ' },
  states: { received: '受付済み', working: '対応中', answered: '回答済み（ご確認ください）', closed: 'クローズ' },
  ticket: {
    endCustomer: 'エンドユーザー',
    partnerNumber: '貴社チケット番号',
    you: 'お客様',
    desk: 'サポート',
    kinds: { inquiry: 'お問い合わせ', follow_up: '追加のご連絡', receipt_notice: '受付のご連絡', answer: '回答' },
    reply: '返信する',
    replyBody: '本文',
    send: '送信',
    attachments: '添付ファイル',
    back: '一覧へ戻る',
  },
  newTicket: { title: '新しいお問い合わせ', subject: '件名', body: '内容', submit: '送信' },
  knowledge: { title: 'よくある問題と解決方法', intro: 'これまでにお客様から寄せられた問題と、その解決方法です。', search: '検索', none: '見つかりませんでした。', symptom: '症状', cause: '原因', fix: '対処', product: '製品' },
  errors: { notFound: 'お問い合わせが見つかりません。', csrf: 'このフォームは期限切れです。ページを再読み込みしてください。', failed: '送信できませんでした: ' },
  mail: {
    subject: 'サインイン用リンク',
    body: (name, link) =>
      `${name ? `${name} 様` : 'お客様'}\n\nお客様ポータルへのサインイン用リンクです。15分間、1回だけ有効です。\n\n${link}\n\nお心当たりのない場合は、このメールを破棄してください。\n`,
  },
};
