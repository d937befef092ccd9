namespace OrleansStt.LoadTest;

/// <summary>Which of the topology's processes a scenario removes: always the first of its kind.</summary>
internal enum ScenarioTarget
{
    Edge,
    Silo,
}
