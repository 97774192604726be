// The prefilled draft and the record's search terms (pure).
import { describe, expect, it } from 'vitest';
import { draftFromTicket, MAX_RECORD_TEXT } from '../../lib/knowledge/draft';
import { overlapScore, queryTerms, recordTerms } from '../../lib/knowledge/record-terms';

describe('draftFromTicket', () => {
  it('takes the symptom from the subject and the inquiry, the fix from the last answer and the resolution', () => {
    const draft = draftFromTicket({ number: '2026120100001', subject: 'PDFが文字化け', inquiry: '漢字が■になります', lastAnswer: 'フォントを埋め込んでください', resolution: 'IPAexゴシックを登録して解決' });
    expect(draft).toEqual({
      symptom: 'PDFが文字化け\n\n漢字が■になります',
      cause: '',
      fix: 'フォントを埋め込んでください\n\nIPAexゴシックを登録して解決',
      product: null,
      version: null,
      keywords: [],
      public: false,
      ticketNumbers: ['2026120100001'],
    });
  });

  it('leaves out what is missing, the control characters a record may not hold, and what is past the limit', () => {
    const draft = draftFromTicket({ number: '1', subject: 'a\u0001b', inquiry: null, lastAnswer: null, resolution: `${'x'.repeat(MAX_RECORD_TEXT - 1)}😀` });
    expect(draft.symptom).toBe('ab');
    expect(draft.fix).toBe('x'.repeat(MAX_RECORD_TEXT - 1));
  });
});

describe('record terms', () => {
  const terms = recordTerms({ symptom: '帳票のPDF出力で文字化け', cause: 'フォント未埋め込み', fix: 'IPAexゴシックを登録', product: 'ReportServer', version: '3.2.1', keywords: ['garbled', 'font'] });

  it('holds the Japanese bigrams, the keywords (stemmed), the product and the version', () => {
    expect(terms).toEqual(expect.arrayContaining(['帳票', '化け', 'pdf', 'garbl', 'font', 'reportserver', '3.2.1']));
  });

  it('scores by the shared terms of a query in other words, and 0 when none are shared', () => {
    expect(overlapScore(queryTerms('PDFの漢字が化ける'), terms)).toBeGreaterThan(0);
    expect(overlapScore(queryTerms('garbled text in the font'), terms)).toBeGreaterThan(0);
    expect(overlapScore(queryTerms('VPN disconnects'), terms)).toBe(0);
  });
});
