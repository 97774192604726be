// The tokenizer's input from a raw mail exactly as the product's intake makes
// it (our decoder, then the adapter), so the bench measures what runs.
import { decodeMail } from '../../activities/mail/decode';
import { messageForTokens } from '../../activities/spam/from-decoded-mail';
import type { MessageForTokens } from '../../activities/spam/tokenize';

export function mailForTokens(raw: Buffer): MessageForTokens {
  return messageForTokens(decodeMail(raw));
}
