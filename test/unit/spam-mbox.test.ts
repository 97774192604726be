import { describe, expect, it } from 'vitest';
import { isMbox, splitMbox } from '../../activities/spam/mbox';
import { progressLine } from '../../cli/progress-bar';

const mbox = [
  'From alice@example.jp Mon Jan  1 00:00:00 2024',
  'Subject: one',
  '',
  'first body',
  '>From the start, escaped by the writer',
  '>>From stays quoted once',
  '',
  'From bob@example.jp Mon Jan  1 00:00:01 2024',
  'Subject: two',
  '',
  'second body',
  '', // every message, the last one too, ends with a blank line
  '',
].join('\n');

describe('mbox files', () => {
  it('tells an mbox from a single message', () => {
    expect(isMbox(Buffer.from(mbox))).toBe(true);
    expect(isMbox(Buffer.from('Subject: hi\n\nFrom here on\n'))).toBe(false);
  });

  it('splits at "From " lines, drops them and unescapes >From', () => {
    const messages = splitMbox(Buffer.from(mbox)).map((m) => m.toString('latin1'));
    expect(messages).toEqual([
      'Subject: one\n\nfirst body\nFrom the start, escaped by the writer\n>From stays quoted once\n',
      'Subject: two\n\nsecond body\n',
    ]);
  });

  it('keeps CRLF messages and 8-bit bytes intact', () => {
    const raw = Buffer.concat([Buffer.from('From x\r\nSubject: a\r\n\r\n'), Buffer.from([0x82, 0xa0]), Buffer.from('\r\n\r\nFrom y\r\nSubject: b\r\n\r\nz\r\n\r\n')]);
    const [first, second] = splitMbox(raw);
    expect(first).toEqual(Buffer.concat([Buffer.from('Subject: a\r\n\r\n'), Buffer.from([0x82, 0xa0]), Buffer.from('\r\n')]));
    expect(second.toString()).toBe('Subject: b\r\n\r\nz\r\n');
  });
});

describe('progressLine', () => {
  it('shows the share done and the rate', () => {
    expect(progressLine(50, 200, 2000)).toBe(`[${'#'.repeat(8)}${'.'.repeat(22)}]  50/200  25% 25 msg/s`);
    expect(progressLine(200, 200, 4000)).toMatch(/^\[#{30}\] 200\/200 100% 50 msg\/s$/);
  });
});
