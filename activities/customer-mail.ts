// The receipt notice and the answer, each written and mailed by one activity
// (patch `mail-one-step` in workflows/ticket-effect-runner.ts) instead of two:
// six events fewer in the ticket's history per mail, and one activity task
// fewer for the server. Both halves stay idempotent on their own (the article
// by its key, the mail by its article), so a retry after either repeats nothing.
import type { SentMail } from './outbound-mail/send-article-mail';
import type { customerReplyActivities, ReplyRequest } from './customer-replies';

export function customerMailActivities(
  replies: ReturnType<typeof customerReplyActivities>,
  sendArticleMail: (input: { articleId: string }) => Promise<SentMail>,
) {
  return {
    async sendReceiptNotice(request: ReplyRequest): Promise<SentMail> {
      return sendArticleMail({ articleId: await replies.composeReceiptNotice(request) });
    },
    async sendAnswer(request: ReplyRequest & { memoId: string }): Promise<SentMail> {
      return sendArticleMail({ articleId: await replies.composeAnswer(request) });
    },
  };
}
