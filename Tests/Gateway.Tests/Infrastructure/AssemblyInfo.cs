// Every test here runs real servers on a 2-core machine; one at a time keeps them honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
