# portal messages (en): one file per area of the interface, same ids in every language.

## Documents (the adviser's section and the applicant's list)
doc-section-title = Documents
doc-checklist-for = Checklist for the route: { $route }
doc-none = No documents are listed for this case yet.
doc-status-requested = Requested
doc-status-received = Received, waiting to be checked
doc-status-verified = Verified
doc-status-rejected = Rejected
doc-status-not-requested = Not requested yet
doc-status-not-uploaded = Not uploaded yet
doc-rejected-because = Rejected: { $reason }
doc-size-mb = { $size } MB
doc-size-kb = { $size } KB
doc-download = Download the file ({ $size })
doc-verify = Mark as verified
doc-reason-label = Reason for rejecting
doc-reject = Reject
doc-delete = Delete the document and its file
doc-request = Request this document
doc-request-other = Request another document
doc-file-label = File (PDF, JPEG or PNG)
doc-file-label-for = File for “{ $document }” (PDF, JPEG or PNG)
doc-file-help = PDF, JPEG or PNG, at most 10 MB. Files are stored encrypted.
doc-upload = Upload
doc-findings-title = What the documents say against each other
doc-problem-title = The document could not be saved
doc-back = Back to the case
doc-error-no-key = This server has no document encryption key configured, so it cannot accept documents. Please ask the administrator to set one (qonys serve --document-key-file).
doc-error-too-large = The file is too large: documents may be at most 10 MB. Please send a smaller scan or photo.
doc-error-malformed = The upload could not be read. Please choose the file again and send the form once more.
doc-error-no-file = No file was chosen. Please choose a PDF, JPEG or PNG file.
doc-error-type = This kind of file cannot be accepted: please send a PDF, JPEG or PNG file.
doc-error-kind = This document is not one qonys knows. Please choose a document from the list.
doc-error-reason = Please say why the document is rejected (at most 1000 characters).
doc-error-verified = This document has already been verified, so its file cannot be replaced. If it must change, please ask your adviser.

## Applicant portal
portal-title = My case
portal-no-case = No case is linked to your account yet. Your adviser will send you an invitation link.
portal-choose-case = You have more than one case. Choose one:
portal-sections = Parts of this page
portal-questions-title = Questions for you
portal-questions-left = { $count ->
    [one] About { $count } question left
   *[other] About { $count } questions left
}
portal-answered = { $count ->
    [one] { $count } answer given so far
   *[other] { $count } answers given so far
}
portal-save-answer = Save the answer
portal-no-questions = There are no questions for you at the moment.
portal-conflict = Your case was changed by someone else while you were answering, so your answer was not saved. This is the case as it stands now: please answer again.
portal-deadlines-title = Deadlines
portal-no-deadlines = No deadlines are known for your case yet.
portal-deadline-overdue = Overdue
portal-deadline-due-soon = Due soon
portal-deadline-later = Later
portal-deadline-available = Possible now
portal-deadline-done = Done
