"""Bills from the meters: tariffs, one bill per house per month, paid through payments."""

# What paying does to a bill, registered with payments as soon as bills are imported.
from domain.bills import paying as paying
