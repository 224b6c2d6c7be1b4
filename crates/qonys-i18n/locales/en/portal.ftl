# portal messages (en): one file per area of the interface, same ids in every language.
