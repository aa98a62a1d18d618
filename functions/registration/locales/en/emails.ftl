## The emails to a participant (subjects included) and the calendar invitation.

email-greeting = Dear { $name },
email-copy-link = Or copy this link into your browser:
email-cancel-prompt = If you can no longer attend, please cancel your registration so that your seat goes to the next person waiting:
email-cancel-link = Cancel my registration
email-join-button = Join the Zoom webinar
email-join-text = Join the Zoom webinar with this link:

confirmation-subject = Please confirm your registration: { $title }
confirmation-thanks = Thank you for registering for "{ $title }", a Zoom webinar on { $starts }.
confirmation-open-link = Please confirm your registration by opening this link:
# The HTML part's button that opens the confirmation link.
confirmation-button = Confirm my registration
confirmation-next = Once you have confirmed, we will email you the Zoom link before the webinar starts.
confirmation-not-me = If you did not register, you can ignore this email; nothing more will be sent.
confirmation-delete = To have this registration deleted now, open:
confirmation-not-me-link = This wasn't me

link-subject = Your Zoom link: { $title }
link-subject-promoted = A seat is yours, with your Zoom link: { $title }
link-promoted = A seat has become free and it is yours: you are no longer on the waiting list.
link-starts = "{ $title }" starts on { $starts } ({ $starts_utc }).
link-invitation = The attached invitation adds the webinar to your calendar. Please keep this link to yourself: it is your seat.

promotion-subject = A seat is yours: { $title }
promotion-seat = A seat has become free for "{ $title }", a Zoom webinar on { $starts }, and it is yours: you are no longer on the waiting list.
promotion-next = We will email you the Zoom link before the webinar starts.

reminder-subject = Reminder: { $title } starts soon
reminder-starts = A reminder: "{ $title }" starts on { $starts } ({ $starts_utc }).

# The first line of an organizer's notice, above their own words.
notice-intro = A message from the organizers of "{ $title }":

# The calendar invitation's description; the link is the webinar's.
ics-description = Join the webinar: { $link }
