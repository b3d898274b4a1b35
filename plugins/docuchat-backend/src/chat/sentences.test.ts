import { contentWords, isPersian, splitSentences } from './sentences';

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

  it('drops fragments without letters or digits', () => {
    expect(splitSentences('One. ... \n\n --- \nTwo.')).toEqual([
      'One.',
      'Two.',
    ]);
  });
});

describe('contentWords', () => {
  it('drops stop words and folds plurals and Arabic letter variants', () => {
    expect(contentWords('How are the invoices paid?')).toEqual([
      'invoice',
      'paid',
    ]);
    // Arabic yeh and kaf, Persian digits, a diacritic.
    expect(contentWords('كيفيت ۱۲ سَند در سیستم')).toEqual(
      contentWords('کیفیت 12 سند سیستم'),
    );
  });
});

describe('isPersian', () => {
  it('tells Persian from English text', () => {
    expect(isPersian('صورتحساب DocuChat چیست؟')).toBe(true);
    expect(isPersian('What is DocuChat?')).toBe(false);
  });
});
