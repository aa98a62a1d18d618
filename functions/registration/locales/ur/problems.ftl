## The problems an answer can report: a title and a detail for each slug.
## JSON answers keep their English `title`; the pages and `detail` use these.

problem-malformed-body-title = درخواست کا متن درست طور پر بنا ہوا نہیں ہے
problem-malformed-body-detail = UTF-8 میں ایک JSON آبجیکٹ یا URL-encoded فارم بھیجیے۔
problem-registration-closed-title = رجسٹریشن بند ہو چکی ہے
problem-registration-closed-detail = اس تقریب کی رجسٹریشن بند ہو چکی ہے۔
problem-registration-not-open-title = رجسٹریشن ابھی شروع نہیں ہوئی
problem-registration-not-open-detail = اس پروگرام کی رجسٹریشن ابھی شروع نہیں ہوئی۔ براہِ کرم رجسٹریشن شروع ہونے کے بعد دوبارہ تشریف لائیے۔
problem-already-registered-title = یہ ای میل پتہ پہلے سے رجسٹرڈ ہے
problem-already-registered-detail = یہ ای میل پتہ اس تقریب کے لیے پہلے سے رجسٹرڈ ہے۔ اگر آپ نے ابھی تک تصدیق نہیں کی تو اپنا ان باکس دیکھیے: ہم نے تصدیق کا لنک دوبارہ بھیج دیا ہے، سوائے اس کے کہ ہم پچھلے دس منٹ میں بھیج چکے ہوں۔
problem-payload-too-large-title = درخواست کا متن بہت بڑا ہے
problem-payload-too-large-detail = درخواست کا متن زیادہ سے زیادہ 16 KiB ہونا چاہیے۔
problem-unsupported-media-type-title = غیر معاون مواد کی قسم
problem-unsupported-media-type-detail = UTF-8 میں application/json یا application/x-www-form-urlencoded بھیجیے۔
problem-validation-title = کچھ خانے درست نہیں ہیں
problem-validation-detail = ایک یا زیادہ خانے درست نہیں ہیں؛ errors دیکھیے۔
problem-too-many-requests-title = آپ کے نیٹ ورک سے بہت زیادہ رجسٹریشنز
problem-too-many-requests-detail = پچھلے ایک گھنٹے میں آپ کے نیٹ ورک سے بہت زیادہ رجسٹریشنز آئیں۔ براہِ کرم کچھ دیر بعد دوبارہ کوشش کیجیے۔
problem-internal-title = ہماری طرف کوئی خرابی پیش آ گئی
problem-internal-detail = براہِ کرم کچھ دیر بعد دوبارہ کوشش کیجیے۔
problem-unavailable-title = سروس عارضی طور پر دستیاب نہیں
problem-unavailable-detail = براہِ کرم چند منٹ بعد دوبارہ کوشش کیجیے۔
problem-not-found-title = نہیں ملا
problem-not-found-detail = اس پتے پر کچھ نہیں ہے۔
problem-method-not-allowed-title = یہ طریقہ قابلِ قبول نہیں
problem-method-not-allowed-detail = یہ پتہ اس طریقے کو قبول نہیں کرتا۔
problem-cross-site-title = یہ درخواست کسی دوسری سائٹ سے آئی ہے
problem-cross-site-detail = یہ درخواست صرف اسی سائٹ کے اپنے صفحات بھیج سکتے ہیں۔ اپنی ای میل کا لنک کھولیے اور اس صفحے کا بٹن استعمال کیجیے۔
problem-missing-token-title = لنک میں ٹوکن نہیں ہے
problem-missing-token-detail = ای میل کیے گئے لنک کا ٹوکن بھیجیے۔
problem-unknown-token-title = یہ لنک درست نہیں ہے
problem-unknown-token-detail = ٹوکن نامعلوم ہے یا تبدیل کر دیا گیا ہے۔ اپنی تازہ ترین ای میل کا لنک استعمال کیجیے۔
problem-event-started-title = ویبینار شروع ہو چکا ہے
problem-event-started-detail = ویبینار شروع ہونے کے بعد رجسٹریشن میں تبدیلی نہیں ہو سکتی۔
