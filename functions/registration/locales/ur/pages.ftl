## The pages' frame, the registration form and the pages the form leads to.

org-name = BTBU-ECOSF مشترکہ تربیتی مرکز
# This language's name in itself, for the language switcher.
language-name = اردو
language-switcher = زبان
page-title-form = رجسٹریشن · { $title }
page-title-message = { $heading } · { $title }
page-back-to-form = رجسٹریشن فارم پر واپس جائیں
# A page's title when no program can be named (a link that names none).
registration-title = رجسٹریشن
# Before the organizers' contact address on the form.
form-questions = سوالات کے لیے:
programs-choose = رجسٹریشن کے لیے کوئی پروگرام منتخب کیجیے۔

form-when = Zoom ویبینار: { $starts }۔
form-closes = رجسٹریشن کی آخری تاریخ: { $closes }۔
form-welcome = بیلٹ اینڈ روڈ اور ای سی او کے رکن ممالک کے، اور دنیا میں کہیں سے بھی، کاروباری حضرات و خواتین کو خوش آمدید۔ براہِ کرم نیچے رجسٹریشن کیجیے؛ ہم آپ کو تصدیق کا لنک ای میل کریں گے، پھر ویبینار سے پہلے Zoom کا لنک۔
form-error-summary = براہِ کرم درج ذیل کی درستی کیجیے:
form-optional = (اختیاری)
form-phone-hint = (اختیاری: ہندسے، خالی جگہ، +، -، قوسین)
form-country-choose = اپنا ملک منتخب کیجیے
form-country-eco = ای سی او کے رکن ممالک
form-country-all = تمام ممالک
form-consent = میں اس بات سے متفق ہوں کہ { $host } یہ معلومات اس تربیتی پروگرام کے انعقاد کے لیے محفوظ رکھے اور اس کے بارے میں مجھے ای میل کرے۔ یہ معلومات ویبینار کے { $days } دن بعد حذف کر دی جاتی ہیں۔
form-submit = رجسٹر کیجیے

registered-heading = اپنی ای میل دیکھیے
registered-sent = رجسٹریشن کا شکریہ۔ ہم نے آپ کو ایک ای میل بھیجی ہے جس میں آپ کی رجسٹریشن کی تصدیق کا لنک ہے۔
registered-spam = تصدیق کے لیے وہ لنک کھولیے۔ اگر چند منٹ میں ای میل نہ پہنچے تو اپنا اسپیم فولڈر دیکھیے۔

closed-heading = رجسٹریشن بند ہو چکی ہے
closed-when = رجسٹریشن { $closes } کو بند ہو گئی۔ ویبینار { $starts } کو منعقد ہوگا۔
closed-zoom = رجسٹرڈ شرکا کو ویبینار سے پہلے Zoom کا لنک ای میل کے ذریعے ملتا ہے۔
not-open-heading = رجسٹریشن ابھی شروع نہیں ہوئی
not-open-when = رجسٹریشن { $opens } کو شروع ہوگی۔ ویبینار { $starts } کو منعقد ہوگا۔
programs-heading = وہ پروگرام جن کی رجسٹریشن جاری ہے
programs-item = { $title }: آغاز { $starts }، رجسٹریشن کی آخری تاریخ { $closes }۔
