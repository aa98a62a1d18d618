## The pages behind the emailed links: confirming and cancelling.

link-kept = Your link stays valid; please try again in a few minutes.
link-invalid-heading = This link is not valid
link-incomplete-heading = This link is incomplete
link-started-heading = The webinar has started
zoom-link-coming = We will email you the Zoom link before the webinar starts.

confirm-heading = Confirm your registration
confirm-prompt = Press the button to confirm that you will attend. We will then email you the Zoom link before the webinar starts.
confirm-button = Confirm my registration
confirmed-heading = Your registration is confirmed
confirmed-already = You have already confirmed. We will email you the Zoom link before the webinar starts.
confirmed-now = Thank you. We will email you the Zoom link before the webinar starts.
waitlisted-heading = You are on the waiting list
waitlisted-place = { $position ->
        [0] Every seat is taken. We will email you if one becomes free.
       *[other] Every seat is taken. You are number { $position } in line; we will email you if a seat becomes free.
    }
confirm-incomplete = Open the whole link from your confirmation email; some email programs cut long links.
confirm-invalid = The confirmation link is unknown or was changed. Open the link from your latest confirmation email, or register again to receive a new one.
confirm-started = Confirmation closed when the webinar began.
confirm-cross-site-heading = Please confirm from the link in your email
confirm-cross-site = This request came from another site. Open the link from your confirmation email and press the button there.
confirm-failed-heading = We could not confirm your registration just now

cancel-pending-heading = Cancel this registration?
cancel-pending = If you did not register for this webinar, or no longer want to, cancel here: we delete the registration and everything it holds.
cancel-waitlisted-heading = Leave the waiting list?
cancel-waitlisted = If you can no longer attend, cancel here. We will send you no further email about this webinar.
cancel-confirmed-heading = Cancel your registration?
cancel-confirmed = If you can no longer attend, cancel here so that your seat goes to the next person waiting. We will send you no further email about this webinar.
cancel-button = Cancel my registration
cancelled-heading = Your registration is cancelled
cancelled-already = It was already cancelled; there is nothing more to do.
cancelled-now = Thank you for letting us know: your place goes to the next person waiting.
cancelled-deleted = We have deleted the registration and everything it held.
cancel-no-more-email = We will send you no further email about this webinar. While registration is open, you can register again.
cancel-incomplete = Open the whole cancel link from your email; some email programs cut long links.
cancel-invalid = The cancel link is unknown or was changed, or the registration was already deleted. Open the link from your latest email about this webinar.
cancel-started = Registrations can no longer be cancelled once the webinar has begun.
cancel-cross-site-heading = Please cancel from the link in your email
cancel-cross-site = This request came from another site. Open the cancel link from your email and press the button there.
cancel-failed-heading = We could not cancel your registration just now
cancel-open-link = Open the cancel link from your email.
cancel-open-link-button = Open the cancel link from your email and press the button there.
