import { contentTerms, isPersian, splitSentences } from './sentences';

const contentWords = (text: string) =>
  contentTerms(text).map(term => term.stem);

describe('splitSentences', () => {
  it('splits English sentences but not decimals or versions', () => {
    expect(
      splitSentences(
        'Version 1.2 costs 3.5 Tomans. Is it cheap? Yes! "Quoted." Next',
      ),
    ).toEqual([
      'Version 1.2 costs 3.5 Tomans.',
      'Is it cheap?',
      'Yes!',
      '"Quoted."',
      'Next',
    ]);
  });

  it('splits at Persian punctuation and line breaks', () => {
    expect(
      splitSentences(
        'صورتحساب روزانه ساخته می‌شود. پرداخت چگونه است؟ با زیبال۔\n- مورد فهرست',
      ),
    ).toEqual([
      'صورتحساب روزانه ساخته می‌شود.',
      'پرداخت چگونه است؟',
      'با زیبال۔',
      '- مورد فهرست',
    ]);
  });

  it('does not end a sentence after e.g. or i.e., and slices the text verbatim', () => {
    const text =
      'Use a gateway, e.g. Zibal, for payments.  Keep i.e. the\nreceipts.';
    expect(splitSentences(text)).toEqual([
      'Use a gateway, e.g. Zibal, for payments.',
      'Keep i.e. the',
      'receipts.',
    ]);
  });

  it('drops fragments without letters or digits', () => {
    expect(splitSentences('One. ... \n\n --- \nTwo.')).toEqual([
      'One.',
      'Two.',
    ]);
  });
});

describe('contentTerms', () => {
  it('drops stop words and folds inflections and Arabic letter variants', () => {
    expect(contentWords('How are the invoices paid?')).toEqual(
      contentWords('invoice paid'),
    );
    expect(contentWords('cached caches cache')).toEqual(
      Array(3).fill(contentWords('cache')[0]),
    );
    expect(contentWords('running runs run')).toEqual(['run', 'run', 'run']);
    // camelCase identifiers meet the words they are made of.
    expect(contentWords('maxUploadMegabytes')).toEqual(
      contentWords('max upload megabytes'),
    );
    // Arabic yeh and kaf, Persian digits, a diacritic.
    expect(contentWords('كيفيت ۱۲ سَند در سیستم')).toEqual(
      contentWords('کیفیت 12 سند سیستم'),
    );
  });

  it('keeps an identifier whole, splits it, or gives both', () => {
    const words = (identifiers: 'split' | 'whole' | 'both') =>
      contentTerms('Ask DocuChat', identifiers).map(term => term.word);
    expect(words('split')).toEqual(['ask', 'docu', 'chat']);
    expect(words('whole')).toEqual(['ask', 'docuchat']);
    expect(words('both')).toEqual(['ask', 'docuchat', 'docu', 'chat']);
  });
});

describe('isPersian', () => {
  it('tells Persian from English text', () => {
    expect(isPersian('صورتحساب DocuChat چیست؟')).toBe(true);
    expect(isPersian('What is DocuChat?')).toBe(false);
  });
});
