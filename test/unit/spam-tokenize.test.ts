import { describe, expect, it } from 'vitest';
import { parseForTokens } from '../support/mailparser/parse-for-tokens';
import { tokenize, type MessageForTokens } from '../../activities/spam/tokenize';
import { registrableDomain } from '../../activities/spam/url-tokens';

function mail(fields: Partial<MessageForTokens>): MessageForTokens {
  return { subject: '', text: '', contentTypes: [], charsets: [], ...fields };
}

function bodyTokens(text: string): string[] {
  return tokenize(mail({ text }));
}

describe('Japanese text', () => {
  it('cuts a run of kanji, hiragana and katakana into overlapping bigrams', () => {
    expect(bodyTokens('日本語のテスト')).toEqual(['日本', '本語', '語の', 'のテ', 'テス', 'スト']);
  });

  it('ends a run at Japanese punctuation and keeps a lone character as a unigram', () => {
    const tokens = bodyTokens('東京。大阪、猫');
    expect(tokens).toEqual(['東京', '大阪', '猫']);
  });

  it('keeps the long-vowel mark and the iteration mark inside runs', () => {
    expect(bodyTokens('サーバー')).toEqual(['サー', 'ーバ', 'バー']);
    expect(bodyTokens('人々')).toEqual(['人々']);
  });

  it('folds half-width katakana to full width, voiced marks included', () => {
    expect(bodyTokens('ｶﾀｶﾅ')).toEqual(['カタ', 'タカ', 'カナ']);
    expect(bodyTokens('ﾃﾞｰﾀ')).toEqual(bodyTokens('データ'));
  });

  it('folds full-width letters and digits to lowercase ASCII words', () => {
    expect(bodyTokens('ＡＢＣ１２３')).toEqual(['abc123']);
    expect(bodyTokens('ＦＲＥＥ')).toEqual(bodyTokens('free'));
  });

  it('splits mixed text into words and bigrams', () => {
    expect(bodyTokens('Windows 11で動作します')).toEqual(['windows', 'で動', '動作', '作し', 'しま', 'ます']);
  });
});

describe('English text', () => {
  it('lowercases words, keeps inner apostrophes and hyphens, drops trailing punctuation', () => {
    expect(bodyTokens("Hello, World! Don't e-mail me...")).toEqual(['hello', 'world', "don't", 'e-mail', 'me']);
  });

  it('drops bare numbers, single letters and overlong words but keeps prices', () => {
    const tokens = bodyTokens(`call 0123456789 a x only $100 ${'q'.repeat(31)} ${'w'.repeat(30)}`);
    expect(tokens).toEqual(['call', 'only', '$100', 'w'.repeat(30)]);
  });

  it('counts each token once per message', () => {
    expect(bodyTokens('spam spam SPAM Spam')).toEqual(['spam']);
  });

  it('turns links into url: tokens for the host and its registrable domain', () => {
    const tokens = bodyTokens('see http://WWW.Shop.Example.co.jp/sale/today.html or www.other.com now');
    expect(tokens).toContain('url:www.shop.example.co.jp');
    expect(tokens).toContain('url:example.co.jp');
    expect(tokens).toContain('url:www.other.com');
    expect(tokens).toContain('url:other.com');
    expect(tokens).toContain('sale');
    expect(tokens).toContain('today.html');
    expect(tokens).not.toContain('http');
  });

  it('marks links to bare IP addresses', () => {
    expect(bodyTokens('http://192.168.10.1/x')).toEqual(expect.arrayContaining(['url:ip', 'url:192.168.10.1']));
  });
});

describe('registrableDomain', () => {
  it('keeps three labels under Japanese second-level domains and two elsewhere', () => {
    expect(registrableDomain('mail.shop.example.co.jp')).toBe('example.co.jp');
    expect(registrableDomain('a.b.example.com')).toBe('example.com');
    expect(registrableDomain('example.jp')).toBe('example.jp');
    expect(registrableDomain('localhost')).toBe('localhost');
  });
});

describe('header tokens', () => {
  const tokens = tokenize(
    mail({
      subject: 'Cheap 特価セール',
      from: '"Sato Taro" <Sato@Mail.Example.co.jp>',
      replyTo: 'reply@bounce.example.net',
      text: 'cheap',
      contentTypes: ['multipart/alternative', 'text/plain', 'TEXT/HTML'],
      charsets: ['ISO-2022-JP'],
      attachments: [{ filename: 'invoice.PDF.exe', contentType: 'application/octet-stream' }],
    }),
  );

  it('prefixes subject words and bigrams with subj:', () => {
    expect(tokens).toEqual(expect.arrayContaining(['subj:cheap', 'subj:特価', 'subj:価セ', 'subj:セー', 'subj:ール']));
    expect(tokens).toContain('cheap'); // the body word is a separate token
  });

  it('gives the From domain, address and display name, and the Reply-To domain', () => {
    expect(tokens).toEqual(
      expect.arrayContaining(['from:mail.example.co.jp', 'from:sato@mail.example.co.jp', 'from:sato', 'from:taro']),
    );
    expect(tokens).toContain('replyto:bounce.example.net');
  });

  it('records MIME structure, charsets and attachment types', () => {
    expect(tokens).toEqual(
      expect.arrayContaining([
        'mime:multipart/alternative',
        'mime:text/plain',
        'mime:text/html',
        'charset:iso-2022-jp',
        'att:application/octet-stream',
        'att:.exe',
      ]),
    );
  });
});

describe('other headers', () => {
  const tokens = tokenize(
    mail({
      headers: [
        { name: 'Received', value: 'from mx1.Example.net by relay.example.org' },
        { name: 'To', value: 'support@desk.example.jp' },
        { name: 'X-Mailer', value: 'Bulk Sender 3.1' },
        { name: 'X-Spam-Status', value: 'No, score=-2.0' },
        { name: 'X-Keywords', value: 'junk' },
      ],
    }),
  );

  it('marks which headers are present and tags their words by header', () => {
    expect(tokens).toEqual(
      expect.arrayContaining([
        'hdr:received', 'rcvd:mx1.example.net', 'rcvd:relay.example.org',
        'hdr:to', 'to:support', 'to:desk.example.jp',
        'hdr:x-mailer', 'head:bulk', 'head:sender',
      ]),
    );
  });

  it("ignores headers added by other filters and by the mail store", () => {
    expect(tokens.filter((t) => t.includes('spam') || t.includes('junk') || t.includes('score'))).toEqual([]);
  });
});

describe('HTML bodies', () => {
  const html =
    '<html><head><style>p { color: red }</style><script>var hidden = 1;</script></head>' +
    '<body><font color=red>V<b></b>iagra</font> cheap<!-- x -->est &amp; best&nbsp;deal &#x3042;&#12356;' +
    '<a href="http://click.spam.example.com/track?id=1">Click here</a>' +
    "<img src='https://img.example.net/a.gif'><a href=\"mailto:sales@example.org\">mail</a></body></html>";
  const tokens = tokenize(mail({ html }));

  it('keeps the text, joining words split by inline tags and comments', () => {
    expect(tokens).toEqual(expect.arrayContaining(['viagra', 'cheapest', 'best', 'deal', 'click', 'here', 'あい']));
  });

  it('tags the elements used', () => {
    expect(tokens).toEqual(expect.arrayContaining(['tag:html', 'tag:font', 'tag:b', 'tag:a', 'tag:img']));
    expect(tokens.filter((t) => t.startsWith('tag:/'))).toEqual([]);
  });

  it('turns link and image targets into url: tokens', () => {
    expect(tokens).toEqual(
      expect.arrayContaining([
        'url:click.spam.example.com',
        'url:example.com',
        'url:img.example.net',
        'url:example.net',
        'url:mailto',
        'url:example.org',
      ]),
    );
  });

  it('skips style sheets and scripts', () => {
    expect(tokens).not.toContain('color');
    expect(tokens).not.toContain('hidden');
  });
});

describe('parseForTokens', () => {
  it('decodes an ISO-2022-JP message and lists its MIME structure', async () => {
    // "日本" in ISO-2022-JP: ESC $ B, JIS 0x467C 0x4B5C, ESC ( B
    const jis = '\x1b$BF|K\\\x1b(B';
    const raw = Buffer.from(
      [
        'From: =?ISO-2022-JP?B?' + Buffer.from(jis, 'latin1').toString('base64') + '?= <info@example.co.jp>',
        'Subject: test',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset="ISO-2022-JP"',
        'Content-Transfer-Encoding: 7bit',
        '',
        jis,
        '',
      ].join('\r\n'),
      'latin1',
    );
    const parsed = await parseForTokens(raw);
    expect(parsed.text.trim()).toBe('日本');
    expect(parsed.from).toBe('日本 <info@example.co.jp>');
    expect(parsed.contentTypes).toEqual(['text/plain']);
    expect(parsed.charsets).toEqual(['iso-2022-jp']);
    expect(tokenize(parsed)).toEqual(expect.arrayContaining(['日本', 'from:example.co.jp', 'subj:test']));
  });

  it('guesses Shift_JIS for an 8-bit body sent without a charset', async () => {
    const sjisTest = Buffer.from([0x83, 0x65, 0x83, 0x58, 0x83, 0x67]); // テスト
    const raw = Buffer.concat([Buffer.from('Subject: x\r\nContent-Type: text/plain\r\n\r\n', 'latin1'), sjisTest]);
    const parsed = await parseForTokens(raw);
    expect(parsed.text).toBe('テスト');
  });

  it('lists every part of a multipart message and its attachments', async () => {
    const raw = Buffer.from(
      [
        'Subject: parts',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/html;',
        '\tcharset=utf-8',
        '',
        '<p>Hello <a href="http://example.com/">there</a></p>',
        '--b1',
        'Content-Type: application/pdf; name="a.pdf"',
        'Content-Disposition: attachment; filename="a.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        'JVBERi0xLjQK',
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const parsed = await parseForTokens(raw);
    expect(parsed.contentTypes).toEqual(['multipart/mixed', 'text/html', 'application/pdf']);
    expect(parsed.charsets).toEqual(['utf-8']);
    expect(parsed.attachments).toEqual([{ filename: 'a.pdf', contentType: 'application/pdf' }]);
    expect(tokenize(parsed)).toEqual(expect.arrayContaining(['hello', 'there', 'tag:a', 'url:example.com', 'att:.pdf']));
  });
});
