## The form's fields and the messages about what was typed in them.

field-full_name = پورا نام
field-email = ای میل پتہ
field-country = ملک
field-organization = ادارہ
field-designation = عہدہ
field-phone = فون
field-consent = رضامندی
# The honeypot's label tells people (and screen readers) to skip it.
field-website = یہ خانہ خالی چھوڑ دیجیے
field-program = پروگرام
field-any = خانہ
# A field's label followed by its message, on the form and in its summary.
field-message = { $field }: { $message }

error-required = لازمی ہے
error-text = متن ہونا چاہیے
error-too-long = زیادہ سے زیادہ { $max } حروف ہونے چاہییں
error-control = اس میں کنٹرول حروف نہیں ہونے چاہییں
error-format-characters = اس میں نظر نہ آنے والے فارمیٹنگ حروف (سمت کے نشانات، صفر چوڑائی والی خالی جگہیں) نہیں ہونے چاہییں
error-joiner = صفر چوڑائی والا جوڑنے یا نہ جوڑنے والا حرف صرف دو حروف کے درمیان آ سکتا ہے
error-web-address = نام ہونا چاہیے، ویب پتہ نہیں (://، www. یا example.com جیسا ڈومین نہیں)
error-email = name@example.org جیسا ایک ای میل پتہ ہونا چاہیے
error-phone-characters = اس میں صرف ہندسے، خالی جگہ اور + - ( ) ہو سکتے ہیں
error-phone-digits = اس میں ہندسے ہونے چاہییں
error-country-code = ISO 3166-1 کا دو حرفی ملکی کوڈ ہونا چاہیے
error-country-unknown = ISO 3166-1 کا کوئی معلوم ملکی کوڈ نہیں ہے
error-consent = رجسٹریشن کے لیے ضروری ہے (رضامندی کے خانے پر نشان لگائیے)
error-program-unknown = ایسا پروگرام نہیں جس کی رجسٹریشن جاری ہو
error-program-required = لازمی ہے: کئی پروگراموں کی رجسٹریشن جاری ہے، براہِ کرم وہ پروگرام بتائیے جس کے لیے آپ رجسٹر ہو رہے ہیں
