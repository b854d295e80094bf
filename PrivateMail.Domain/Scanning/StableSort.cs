namespace PrivateMail.Domain.Scanning;

/// <summary>
/// Sorting that keeps equal items in the order they came, as LINQ's <c>OrderBy</c> does, without its iterator, key
/// arrays and generic instantiations: the scanner sorts a few records for every message.
/// </summary>
internal static class StableSort
{
    /// <summary>Sorts <paramref name="items"/> in place; items that compare equal keep their order.</summary>
    public static void Sort<T>(List<T> items, Comparison<T> compare)
    {
        if (items.Count < 2)
        {
            return;
        }

        if (items.Count <= 16)
        {
            // Insertion sort: stable, and the quickest for the few records a message finds.
            for (var i = 1; i < items.Count; i++)
            {
                var item = items[i];
                var j = i - 1;
                while (j >= 0 && compare(items[j], item) > 0)
                {
                    items[j + 1] = items[j];
                    j--;
                }

                items[j + 1] = item;
            }

            return;
        }

        // Many (a domain shared by a whole company's contacts): the position breaks ties, so the unstable sort is stable.
        var indexed = new (T Item, int At)[items.Count];
        for (var i = 0; i < indexed.Length; i++)
        {
            indexed[i] = (items[i], i);
        }

        Array.Sort(indexed, (a, b) => compare(a.Item, b.Item) is var order and not 0 ? order : a.At.CompareTo(b.At));
        for (var i = 0; i < indexed.Length; i++)
        {
            items[i] = indexed[i].Item;
        }
    }
}
