## The form's fields and the messages about what was typed in them.

field-full_name = Full name
field-email = Email address
field-country = Country
field-organization = Organization
field-designation = Designation
field-phone = Phone
field-consent = Consent
# The honeypot's label tells people (and screen readers) to skip it.
field-website = Leave this field empty
field-program = Program
field-any = Field
# A field's label followed by its message, on the form and in its summary.
field-message = { $field } { $message }

error-required = is required
error-text = must be text
error-too-long = must be at most { $max ->
        [one] one character
       *[other] { $max } characters
    }
error-control = must not contain control characters
error-format-characters = must not contain invisible formatting characters (direction marks, zero-width spaces)
error-joiner = may hold a zero-width joiner or non-joiner only between two letters
error-web-address = must be a name, not a web address (no ://, www. or domain such as example.com)
error-email = must be one email address like name@example.org
error-phone-characters = may contain only digits, spaces and + - ( )
error-phone-digits = must contain digits
error-country-code = must be a two-letter ISO 3166-1 country code
error-country-unknown = is not a known ISO 3166-1 country code
error-consent = must be given to register (tick the consent box)
error-program-unknown = is not a program open for registration
error-program-required = is required: several programs are open, name the one to register for
