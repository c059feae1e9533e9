"""The synchronizer between the studio and the gallery.

``protocol`` is the wire contract both sides import; ``api`` is the gallery's
endpoints (it may import the gallery, never the studio); ``client`` is the
studio's synchronizer (it may import the studio, never the gallery).
"""
