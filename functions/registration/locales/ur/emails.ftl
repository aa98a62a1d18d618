## The emails to a participant (subjects included) and the calendar invitation.

email-greeting = محترم/محترمہ { $name }،
email-copy-link = یا یہ لنک اپنے براؤزر میں کاپی کیجیے:
email-cancel-prompt = اگر آپ اب شرکت نہیں کر سکتے تو براہِ کرم اپنی رجسٹریشن منسوخ کیجیے تاکہ آپ کی نشست انتظار کی فہرست میں اگلے فرد کو مل جائے:
email-cancel-link = میری رجسٹریشن منسوخ کیجیے
email-join-button = Zoom ویبینار میں شامل ہوں
email-join-text = اس لنک کے ذریعے Zoom ویبینار میں شامل ہوں:

confirmation-subject = براہِ کرم اپنی رجسٹریشن کی تصدیق کیجیے: { $title }
confirmation-thanks = “{ $title }” کے لیے رجسٹریشن کا شکریہ، جو { $starts } کو ہونے والا Zoom ویبینار ہے۔
confirmation-open-link = براہِ کرم یہ لنک کھول کر اپنی رجسٹریشن کی تصدیق کیجیے:
# The HTML part's button that opens the confirmation link.
confirmation-button = میری رجسٹریشن کی تصدیق کیجیے
confirmation-next = تصدیق کے بعد ہم ویبینار شروع ہونے سے پہلے آپ کو Zoom کا لنک ای میل کریں گے۔
confirmation-not-me = اگر آپ نے رجسٹریشن نہیں کی تو اس ای میل کو نظر انداز کر دیجیے؛ مزید کچھ نہیں بھیجا جائے گا۔
confirmation-delete = یہ رجسٹریشن ابھی حذف کروانے کے لیے یہ لنک کھولیے:
confirmation-not-me-link = یہ رجسٹریشن میں نے نہیں کی

link-subject = آپ کا Zoom لنک: { $title }
link-subject-promoted = نشست آپ کی ہے، Zoom لنک کے ساتھ: { $title }
link-promoted = ایک نشست خالی ہوئی ہے اور اب آپ کی ہے: آپ اب انتظار کی فہرست میں نہیں ہیں۔
link-starts = “{ $title }” { $starts } ({ $starts_utc }) کو شروع ہوگا۔
link-invitation = منسلک دعوت نامہ ویبینار کو آپ کے کیلنڈر میں شامل کر دیتا ہے۔ براہِ کرم یہ لنک کسی کو نہ دیجیے: یہی آپ کی نشست ہے۔

promotion-subject = نشست آپ کی ہے: { $title }
promotion-seat = “{ $title }” میں، جو { $starts } کو ہونے والا Zoom ویبینار ہے، ایک نشست خالی ہوئی ہے اور اب آپ کی ہے: آپ اب انتظار کی فہرست میں نہیں ہیں۔
promotion-next = ہم ویبینار شروع ہونے سے پہلے آپ کو Zoom کا لنک ای میل کریں گے۔

reminder-subject = یاد دہانی: { $title } جلد شروع ہو رہا ہے
reminder-starts = یاد دہانی: “{ $title }” { $starts } ({ $starts_utc }) کو شروع ہوگا۔

# The first line of an organizer's notice, above their own words.
notice-intro = “{ $title }” کے منتظمین کی طرف سے ایک پیغام:

# The calendar invitation's description; the link is the webinar's.
ics-description = ویبینار میں شامل ہوں: { $link }
